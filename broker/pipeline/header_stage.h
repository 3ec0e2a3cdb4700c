// HeaderStage: reads the XÖV header (nachrichtenkopf.g2g) that routing, dedupe and receipts
// use. After validate when the pipeline validates, so a schema error is reported as such.
// With transport security on, the header's author must be the connection's participant, and a
// portal registered for certain services may submit only those.
#pragma once

#include <algorithm>

#include "broker/pipeline/stage.h"
#include "broker/security/zap_handler.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

class HeaderStage final : public Stage {
 public:
  explicit HeaderStage(const ZapHandler* zap) : zap_(zap) {}
  std::string_view name() const override { return "header"; }
  std::optional<Rejection> process(Message& message) override {
    auto header = xoev::readHeader(message.doc.get());
    if (!header) return header.rejection();
    message.header = std::move(*header);
    if (zap_ == nullptr) return std::nullopt;
    if (message.header.author != message.sender) {
      return reject(v1::IDENTITY_MISMATCH, "autor/kennung '" + message.header.author +
                                               "' is not the submitting participant '" +
                                               message.sender + "'");
    }
    const auto registry = zap_->registry();
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
  const ZapHandler* zap_;
};

}  // namespace ozgbus::broker
