// Message: one submission on its way through the pipeline — the raw bytes, the parsed
// document, its XÖV header and what the transport knows about the sender. Owned by one worker
// thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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
  std::string adapted_by;                         // adapter and stylesheet (adapt stage)
  bool translated = false;  // doc is no longer what raw holds: it must be serialized to store it
  // Accepted, but kept as a dead letter for this reason (a failing adapter): the remaining
  // stages but persist are skipped, and the original is stored for replay.
  std::optional<Rejection> dead_letter;

  // The message's way through the stages, kept with it as its trace: a stage may set `note`
  // (what it decided); the pipeline adds one line per stage.
  std::string note;
  std::string history;

  // A dead letter an operator replays: its stored row is updated, nobody is answered.
  std::uint64_t replace_id = 0;
  std::int64_t first_received_at_ms = 0;  // when it arrived (received_at_ms is the replay's time)
  std::string replayed_from_queue;
  std::string replayed_by;
};

}  // namespace ozgbus::broker
