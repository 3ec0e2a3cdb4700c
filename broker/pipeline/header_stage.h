// HeaderStage: reads the XÖV header (nachrichtenkopf.g2g) that routing, dedupe and receipts
// use. After validate when the pipeline validates, so a schema error is reported as such.
// The header's author must be the participant whose certificate signed the document (when the
// pipeline verifies) and, with transport security on, the connection's participant; a portal
// registered for certain services may submit only those.
#pragma once

#include <algorithm>

#include "broker/pipeline/stage.h"
#include "broker/security/participant_registry.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

class HeaderStage final : public Stage {
 public:
  HeaderStage(const CurrentParticipants& participants, bool secure)
      : participants_(participants), secure_(secure) {}
  std::string_view name() const override { return "header"; }
  std::optional<Rejection> process(Message& message) override {
    auto header = xoev::readHeader(message.doc.get());
    if (!header) return header.rejection();
    message.header = std::move(*header);
    message.note = "type " + message.header.message_type + " from " + message.header.author + " to " +
                   message.header.reader;
    if (!message.signer.empty() && message.header.author != message.signer) {
      return reject(v1::AUTHOR_MISMATCH, "autor/kennung '" + message.header.author +
                                             "' did not sign this document: the signature is "
                                             "by '" + message.signer + "' (certificate '" +
                                             message.signer_subject + "')");
    }
    if (!secure_) return std::nullopt;
    if (message.header.author != message.sender) {
      return reject(v1::IDENTITY_MISMATCH, "autor/kennung '" + message.header.author +
                                               "' is not the submitting participant '" +
                                               message.sender + "'");
    }
    const auto registry = participants_.get();
    const Participant* p = registry->byId(message.sender);
    const std::string& service =
        message.header.service.empty() ? message.header.message_type : message.header.service;
    if (p != nullptr && !p->services.empty() &&
        std::find(p->services.begin(), p->services.end(), service) == p->services.end()) {
      return reject(v1::NOT_AUTHORIZED, "participant '" + message.sender +
                                            "' may not submit service '" + service + "'");
    }
    return std::nullopt;
  }

 private:
  const CurrentParticipants& participants_;
  bool secure_;
};

}  // namespace ozgbus::broker
