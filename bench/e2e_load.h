// End-to-end load against a running broker: portals post pipelined submissions, back-ends ACK
// deliveries, portals ACK receipts. Measures accepted-and-delivered throughput and the
// submit -> ACCEPTED latency distribution.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/wire/curve_keys.h"

namespace ozgbus::bench {

struct LoadSpec {
  std::string endpoint;
  // Further nodes of one cluster: portal i and back-end i connect to node i mod the node count
  // (endpoint first), so the load is spread over them.
  std::vector<std::string> more_endpoints;
  std::string document_template;  // samples/messages file text with {{UUID}} / {{NOW}}
  std::size_t size = 1024;        // bytes per message, padded
  std::uint64_t messages = 100000;
  unsigned portals = 2;
  unsigned backends = 2;
  unsigned window = 512;  // outstanding submissions per portal
  double rate = 0;        // messages/s over all portals; 0 = as fast as possible
  // CURVE: the broker's public key and the two participants' key pairs (empty: plain text).
  // Portals connect as psw:02000001 (the template's author), back-ends as hh-gewerbeamt.
  std::string server_key;
  wire::CurveKeys portal_keys, backend_keys;
  // Signs a document as its portal (XML signature); each message is made and signed before the
  // clock starts, so the load generator's signing is not measured. Empty: unsigned.
  std::function<std::string(const std::string&)> sign;
  bool await_receipts = false;  // the run ends when every delivered message's receipt arrived
};

struct LoadResult {
  double seconds = 0;
  std::uint64_t accepted = 0, delivered = 0, rejected = 0, receipts = 0;
  double throughput = 0;  // delivered per second
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double broker_cpu_s = 0;  // user + system CPU of the broker process over its life (if measured)
};

LoadResult runLoad(const LoadSpec& spec);

}  // namespace ozgbus::bench
