#include "broker/routing/routing_table.h"

#include <algorithm>

namespace ozgbus::broker {

RoutingTable::RoutingTable(std::vector<RouteRule> rules) : rules_(std::move(rules)) {}

Result<std::string> RoutingTable::route(const xoev::Header& header) const {
  const std::string& service = header.service.empty() ? header.message_type : header.service;
  const std::string ars = xoev::arsDigits(header.reader);

  const RouteRule* best = nullptr;
  long bestScore = -1;
  for (const RouteRule& rule : rules_) {
    if (!rule.service.empty() && rule.service != service) continue;
    long score = -1;
    if (!rule.reader.empty()) {
      if (rule.reader == header.reader) score = 1000;  // exact reader beats any ARS prefix
    } else if (!ars.empty() && ars.starts_with(rule.ars_prefix)) {
      score = static_cast<long>(rule.ars_prefix.size()) * 10;
    }
    if (score < 0) continue;
    if (!rule.service.empty()) score += 1;
    if (score > bestScore) {
      best = &rule;
      bestScore = score;
    }
  }
  if (best == nullptr) {
    return reject(v1::NO_ROUTE, "no route for reader '" + header.reader + "' (ARS digits '" + ars +
                                    "'), service '" + service + "'");
  }
  return best->destination;
}

std::vector<std::string> RoutingTable::destinations() const {
  std::vector<std::string> out;
  for (const RouteRule& r : rules_) out.push_back(r.destination);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace ozgbus::broker
