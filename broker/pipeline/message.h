// Message: one submission on its way through the pipeline — the raw bytes, the parsed
// document, its XÖV header and what the transport knows about the sender. Owned by one worker
// thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/xml/libxml.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

struct Message {
  // From the transport
  std::string identity;          // connection to answer
  std::uint64_t correlation = 0; // request to answer
  std::string sender;            // participant of the connection
  std::int64_t received_at_ms = 0;
  std::shared_ptr<const std::string> raw;  // bytes as submitted

  // Filled by the stages
  xml::Doc doc;
  xoev::Header header;
  std::string destination;
  std::string signer;          // participant whose certificate signed it (verify stage)
  std::string signer_subject;  // that certificate's subject, for messages
  std::shared_ptr<const std::string> delivered;  // bytes to deliver when not raw (sign stage)
};

}  // namespace ozgbus::broker
