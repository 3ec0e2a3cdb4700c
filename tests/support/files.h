// Whole-file reading for tests and benchmarks.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ozgbus::testing {

inline std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace ozgbus::testing
