#include "broker/pipeline/persist_stage.h"

#include "broker/pipeline/stage_registry.h"
#include "core/dsig/openssl.h"
#include "core/dsig/signer.h"

namespace ozgbus::broker {

Result<StagePtr> PersistStage::create(const StageContext& ctx, const StagePlacement& at) {
  if (!at.before("route")) {
    return stageSettingError(
        ctx,
        "pipeline.stages: \"persist\" needs \"route\" before it (a message is stored "
        "in its destination's queue)");
  }
  return StagePtr(std::make_unique<PersistStage>(ctx.commits));
}

std::optional<Rejection> PersistStage::process(Message& message) {
  InsertOp op;
  op.origin = std::move(message.origin);
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
  q.authored_sha256 = dsig::sha256Hex(*message.raw);
  op.dead_letter = std::move(message.dead_letter);
  op.history = std::move(message.history);
  commits_.enqueue(std::move(op));
  return std::nullopt;
}

}  // namespace ozgbus::broker
