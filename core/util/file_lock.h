// FileLock: an exclusive lock on a file (flock), held for the owner's lifetime, with the
// holder's pid written into it — so that a second broker on the same store is refused at start,
// naming the process that holds it, instead of both running on one store. The lock goes with
// the process: a broker killed with SIGKILL leaves nothing to clean up.
#pragma once

#include <filesystem>
#include <memory>

#include "core/result.h"

namespace ozgbus::util {

class FileLock {
 public:
  // Creates the file if needed. A rejection names the file and, when another process holds
  // it, that process's pid.
  static Result<std::unique_ptr<FileLock>> acquire(const std::filesystem::path& file);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace ozgbus::util
