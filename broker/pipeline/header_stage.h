// HeaderStage: reads the XÖV header (nachrichtenkopf.g2g) that routing, dedupe and receipts
// use. After validate when the pipeline validates, so a schema error is reported as such.
// With transport security on, the header's author must be the connection's participant.
#pragma once

#include "broker/pipeline/stage.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

class HeaderStage final : public Stage {
 public:
  explicit HeaderStage(bool author_is_sender) : author_is_sender_(author_is_sender) {}
  std::string_view name() const override { return "header"; }
  std::optional<Rejection> process(Message& message) override {
    auto header = xoev::readHeader(message.doc.get());
    if (!header) return header.rejection();
    message.header = std::move(*header);
    if (author_is_sender_ && message.header.author != message.sender) {
      return reject(v1::IDENTITY_MISMATCH, "autor/kennung '" + message.header.author +
                                               "' is not the submitting participant '" +
                                               message.sender + "'");
    }
    return std::nullopt;
  }

 private:
  bool author_is_sender_;
};

}  // namespace ozgbus::broker
