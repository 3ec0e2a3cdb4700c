// SignStage: the broker signs the document it will deliver (after translation) with its own
// key, as intermediary. The author's signed original stays with the message (raw) and is
// delivered beside it. Last before persist.
#pragma once

#include "broker/pipeline/stage.h"
#include "core/dsig/signer.h"

namespace ozgbus::broker {

class SignStage final : public Stage {
 public:
  explicit SignStage(std::shared_ptr<const dsig::Signer> signer) : signer_(std::move(signer)) {}
  std::string_view name() const override { return "sign"; }
  std::optional<Rejection> process(Message& message) override {
    if (auto r = signer_->sign(message.doc.get())) return r;
    message.note = "by the broker (" + signer_->subject() + ")";
    message.delivered = std::make_shared<const std::string>(dsig::serialize(message.doc.get()));
    return std::nullopt;
  }

 private:
  std::shared_ptr<const dsig::Signer> signer_;
};

}  // namespace ozgbus::broker
