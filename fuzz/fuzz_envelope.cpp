// The wire decoder: what any connection can send before it has said who it is. The input is
// split into frames at each 0xff 0xfe pair, so the fuzzer can vary their number and sizes.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/wire/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<zmq::message_t> frames;
  std::size_t start = 0;
  for (;;) {
    const auto cut = input.find("\xff\xfe", start);
    const auto end = cut == std::string_view::npos ? input.size() : cut;
    frames.emplace_back(input.data() + start, end - start);
    if (cut == std::string_view::npos) break;
    start = cut + 2;
  }
  auto decoded = ozgbus::wire::decode(std::move(frames));
  if (decoded) {
    // What the broker reads of a decoded envelope next: serialising must work for anything
    // that parsed.
    std::string again;
    (void)decoded->envelope.SerializeToString(&again);
  }
  return 0;
}
