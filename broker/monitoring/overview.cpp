#include "broker/monitoring/overview.h"

#include "broker/monitoring/json.h"

namespace ozgbus::broker {

std::string Overview::json() const {
  Json j;
  j.beginObject();
  j.key("broker").beginObject().key("version").value(OZGBUS_VERSION);
  j.key("started_at_ms").value(started_at_ms).key("now_ms").value(now_ms).endObject();
  j.key("totals").beginObject();
  j.key("submitted")
      .value(submitted)
      .key("accepted")
      .value(accepted)
      .key("rejected")
      .value(rejected);
  j.key("delivered").value(delivered).key("redelivered").value(redelivered);
  j.key("dead_lettered").value(dead_lettered).endObject();
  j.key("queues").beginArray();
  for (const Queue& q : queues) {
    j.beginObject().key("name").value(q.name).key("depth").value(q.depth);
    j.key("in_flight").value(q.in_flight).key("dead_letters").value(q.dead_letters);
    j.key("consumers").value(q.consumers).key("oldest_age_ms");
    if (q.oldest_received_ms == 0) {
      j.null();
    } else {
      j.value(now_ms - q.oldest_received_ms);
    }
    j.endObject();
  }
  j.endArray().key("participants").beginArray();
  for (const Participant& p : participants) {
    j.beginObject().key("id").value(p.id).key("role").value(p.role);
    j.key("connected_at_ms").value(p.connected_at_ms).endObject();
  }
  j.endArray().key("nodes").beginArray();
  for (const Node& n : nodes) {
    j.beginObject().key("name").value(n.name).key("listen").value(n.listen);
    j.key("alive").value(n.alive).key("left").value(n.left);
    j.key("seen_ms_ago").value(n.seen_ms_ago).key("this_node").value(n.this_node).endObject();
  }
  j.endArray().key("recent_rejections").beginArray();
  for (const Rejection& r : recent_rejections) {
    j.beginObject().key("at_ms").value(r.at_ms).key("message_uuid").value(r.message_uuid);
    j.key("sender").value(r.sender).key("reason").value(r.reason).key("detail").value(r.detail);
    j.endObject();
  }
  j.endArray().endObject();
  return j.str();
}

}  // namespace ozgbus::broker
