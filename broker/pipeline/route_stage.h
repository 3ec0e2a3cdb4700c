// RouteStage: picks the destination queue from the routing table.
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/routing/routing_table.h"

namespace ozgbus::broker {

class RouteStage final : public Stage {
 public:
  explicit RouteStage(const RoutingTable& routes) : routes_(routes) {}
  std::string_view name() const override { return "route"; }
  std::optional<Rejection> process(Message& message) override {
    if (message.header.message_uuid.empty()) {
      return reject(v1::INTERNAL, "route stage before the header stage in pipeline.stages");
    }
    auto dest = routes_.route(message.header);
    if (!dest) return dest.rejection();
    message.destination = std::move(*dest);
    message.note = "to " + message.destination;
    return std::nullopt;
  }

 private:
  const RoutingTable& routes_;
};

}  // namespace ozgbus::broker
