// CurrentHeaderReader: a pipeline worker's own HeaderReader for the [[headers]] mappings in
// force, compiled again when a reload replaced them. One per stage instance (stages are per
// worker), so compiled XPath expressions are never shared between threads.
#pragma once

#include <memory>

#include "core/util/snapshot.h"
#include "core/xoev/header_mapping.h"

namespace ozgbus::broker {

class CurrentHeaderReader {
 public:
  explicit CurrentHeaderReader(const util::Snapshot<xoev::HeaderMappings>& mappings)
      : mappings_(mappings) {}

  Result<xoev::Header> read(const xmlDoc* doc) {
    auto now = mappings_.get();
    if (now != compiled_from_) {
      // The Runtime compiled this version once already: it cannot fail here.
      auto fresh = xoev::HeaderReader::compile(now ? *now : xoev::HeaderMappings{});
      if (fresh) reader_ = std::move(*fresh);
      compiled_from_ = std::move(now);
    }
    return reader_.read(doc);
  }

 private:
  const util::Snapshot<xoev::HeaderMappings>& mappings_;
  std::shared_ptr<const xoev::HeaderMappings> compiled_from_;
  xoev::HeaderReader reader_;
};

}  // namespace ozgbus::broker
