// Whole-file reads for the subcommands; nullopt when the file cannot be read.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace ozgbus::cli {

inline std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace ozgbus::cli
