// HeaderStage: reads the XÖV header (nachrichtenkopf.g2g) that routing, dedupe and receipts
// use. After validate when the pipeline validates, so a schema error is reported as such.
#pragma once

#include "broker/pipeline/stage.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

class HeaderStage final : public Stage {
 public:
  std::string_view name() const override { return "header"; }
  std::optional<Rejection> process(Message& message) override {
    auto header = xoev::readHeader(message.doc.get());
    if (!header) return header.rejection();
    message.header = std::move(*header);
    return std::nullopt;
  }
};

}  // namespace ozgbus::broker
