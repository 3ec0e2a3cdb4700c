// Random RFC 4122 version-4 UUIDs for new messages (demo, benchmarks, tests). Each thread has
// its own generator; safe from any thread.
#pragma once

#include <string>

namespace ozgbus::xoev {

std::string newUuid();

}  // namespace ozgbus::xoev
