// RoutingTable: which queue a message goes to, from its reader (leser/kennung) and service.
// Built once from the configuration; route() is const and safe from any number of threads.
//
// Order: a rule naming the exact reader wins; otherwise the longest ARS prefix of the reader's
// digits wins; among equals, a rule naming the service beats one that does not. The service key
// is the header's dvdvDienstkennung, or its message type when the header has none.
#pragma once

#include <string>
#include <vector>

#include "broker/config/config.h"
#include "core/result.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

class RoutingTable {
 public:
  explicit RoutingTable(std::vector<RouteRule> rules);

  // The destination queue, or NO_ROUTE naming reader, ARS digits and service.
  Result<std::string> route(const xoev::Header& header) const;

  // Every queue some rule can route to, sorted, without repeats.
  std::vector<std::string> destinations() const;

 private:
  std::vector<RouteRule> rules_;
};

}  // namespace ozgbus::broker
