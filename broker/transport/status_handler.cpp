#include "broker/transport/status_handler.h"

namespace ozgbus::broker {

void StatusHandler::handle(const Session& s, const wire::Frames& f) {
  auto e = wire::makeEnvelope(v1::STATUS_RESULT, f.envelope.correlation_id());
  v1::StatusResult* r = e.mutable_status_result();
  for (const auto& q : c_.dispatcher.queues()) {
    v1::QueueStatus* qs = r->add_queues();
    qs->set_name(q.name);
    qs->set_depth(q.depth);
    qs->set_in_flight(q.in_flight);
    qs->set_dead_letters(q.dead);
    qs->set_consumers(q.consumers);
  }
  for (const auto& [identity, session] : c_.sessions) {
    v1::ParticipantStatus* p = r->add_participants();
    p->set_participant_id(session.participant);
    p->set_role(session.role);
    p->set_credit(session.credit);
    p->set_in_flight(static_cast<std::uint32_t>(session.deliveries.size()));
    p->set_pending_receipts(c_.outbox.pending(session.participant));
    p->set_session_id(session.session_id);
  }
  r->set_submitted(c_.counters.submitted);
  r->set_accepted(c_.counters.accepted);
  r->set_rejected(c_.counters.rejected);
  r->set_delivered(c_.dispatcher.delivered());
  r->set_broker_version(OZGBUS_VERSION);
  if (const auto set = c_.runtime.adapters().get()) {
    for (const Adapter& a : set->adapters()) {
      v1::AdapterStatus* as = r->add_adapters();
      as->set_name(a.manifest.name);
      as->set_description(a.manifest.description);
      for (const auto& p : a.manifest.ars_prefixes) as->add_ars_prefixes(p);
      as->set_pass_through_unmapped(a.manifest.pass_through_unmapped);
      for (const CompiledMapping& m : a.mappings) {
        v1::AdapterMappingStatus* ms = as->add_mappings();
        ms->set_input(m.spec.input);
        ms->set_message_type(m.spec.message_type);
        ms->set_output(m.spec.output);
        ms->set_output_type(m.spec.output_type);
        ms->set_stylesheet(m.spec.stylesheet.filename().string());
      }
    }
  }
  for (const ClusterNode& n : c_.nodes()) {
    v1::NodeStatus* ns = r->add_nodes();
    ns->set_name(n.name);
    ns->set_listen(n.listen);
    ns->set_alive(n.alive);
    ns->set_left(n.left);
    ns->set_seen_ms_ago(n.seen_ms_ago);
    ns->set_this_node(n.this_node);
  }
  c_.replies.send(s.identity, e);
}

}  // namespace ozgbus::broker
