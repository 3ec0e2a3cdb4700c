#include "broker/pipeline/header_stage.h"

#include <algorithm>

#include "broker/runtime/runtime.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

Result<StagePtr> HeaderStage::create(const StageContext& ctx, const StagePlacement&) {
  return StagePtr(std::make_unique<HeaderStage>(ctx.runtime.participants(), ctx.runtime.headers(),
                                                ctx.runtime.secure()));
}

std::optional<Rejection> HeaderStage::process(Message& message) {
  auto header = headers_.read(message.doc.get());
  if (!header) return header.rejection();
  message.header = std::move(*header);
  message.note = "type " + message.header.message_type + " from " + message.header.author + " to " +
                 message.header.reader;
  if (!message.signer.empty() && message.header.author != message.signer) {
    return reject(v1::AUTHOR_MISMATCH, "autor/kennung '" + message.header.author +
                                           "' did not sign this document: the signature is by '" +
                                           message.signer + "' (certificate '" +
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
    return reject(v1::NOT_AUTHORIZED,
                  "participant '" + message.sender + "' may not submit service '" + service + "'");
  }
  return std::nullopt;
}

}  // namespace ozgbus::broker
