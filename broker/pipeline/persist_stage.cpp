#include "broker/pipeline/persist_stage.h"

#include "core/dsig/signer.h"

namespace ozgbus::broker {

std::optional<Rejection> PersistStage::process(Message& message) {
  if (message.destination.empty()) {
    return reject(v1::INTERNAL, "persist stage reached without a destination (route missing?)");
  }
  InsertOp op;
  op.identity = std::move(message.identity);
  // A replay has no connection; its correlation names the operator's request.
  op.correlation = message.correlation;
  QueuedMessage& q = op.message;
  q.uuid = message.header.message_uuid;
  q.author = message.header.author;
  q.sender = message.sender;
  q.reader = message.header.reader;
  q.message_type = message.header.message_type;
  q.queue = message.destination;
  q.received_at_ms = message.received_at_ms;
  if (!message.delivered && message.translated && !message.dead_letter) {
    message.delivered = std::make_shared<const std::string>(dsig::serialize(message.doc.get()));
  }
  q.payload = message.delivered ? message.delivered : message.raw;
  if (message.delivered) q.original = message.raw;
  op.dead_letter = std::move(message.dead_letter);
  op.history = std::move(message.history);
  op.replace_id = message.replace_id;
  op.replayed_from_queue = std::move(message.replayed_from_queue);
  op.replayed_by = std::move(message.replayed_by);
  committer_.enqueue(std::move(op));
  return std::nullopt;
}

}  // namespace ozgbus::broker
