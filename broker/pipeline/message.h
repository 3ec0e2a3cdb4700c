// Message: one submission on its way through the pipeline — the raw bytes, the parsed document,
// its XÖV header, where it came from and what the stages decided. Owned by one worker thread at
// a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "broker/store/records.h"
#include "core/xml/libxml.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

struct Message {
  // Who waits for the outcome: a connection (SUBMIT) or an operator (a dead letter replayed).
  Origin origin;
  std::string sender;  // participant that submitted it (of the connection, or of the original)
  std::int64_t received_at_ms = 0;
  std::shared_ptr<const std::string> raw;  // bytes as submitted

  // Filled by the stages
  xml::Doc doc;
  xoev::Header header;
  std::string destination;
  std::string signer;          // participant whose certificate signed it (verify stage)
  std::string signer_subject;  // that certificate's subject, for messages
  std::shared_ptr<const std::string> delivered;  // bytes to deliver when not raw (sign stage)
  std::string adapted_by;                        // adapter and stylesheet (adapt stage)
  bool translated = false;  // doc is no longer what raw holds: it must be serialized to store it
  // Accepted, but kept as a dead letter for this reason (a failing adapter): the remaining
  // stages but persist are skipped, and the original is stored for replay.
  std::optional<Rejection> dead_letter;

  // The message's way through the stages, kept with it as its trace: a stage may set `note`
  // (what it decided); the pipeline adds one line per stage.
  std::string note;
  std::string history;

  const FromReplay* replay() const { return std::get_if<FromReplay>(&origin); }
};

// A message the pipeline refused: its origin is answered with the reason.
struct Refusal {
  Origin origin;
  std::string message_uuid;  // from the header, when it could be read
  Rejection rejection;
  std::string sender;
};

}  // namespace ozgbus::broker
