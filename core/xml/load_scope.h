// LoadScope: the only way libxml2 in this process reads anything but the bytes it is handed.
// initXml() installs an external-entity loader that refuses every URL and file; while a
// LoadScope lives on a thread, that loader asks the scope's resolver instead, opens only the
// local file it returns, and records every URL it refused. Used to compile schemas (imports
// and includes through an XML catalog); never active while a message is processed.
// A scope belongs to the thread that made it; scopes do not nest.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ozgbus::xml {

class LoadScope {
 public:
  // resolve: a URL or path libxml2 asks for -> the local file to read, or empty to refuse.
  using Resolver = std::function<std::optional<std::string>(const std::string& url)>;

  explicit LoadScope(Resolver resolve);
  ~LoadScope();
  LoadScope(const LoadScope&) = delete;
  LoadScope& operator=(const LoadScope&) = delete;

  // What was asked for and refused, in order.
  const std::vector<std::string>& refused() const { return refused_; }

  // Called by the loader in xml_init.cpp.
  static LoadScope* current();
  std::optional<std::string> resolve(const std::string& url);

 private:
  Resolver resolve_;
  std::vector<std::string> refused_;
};

}  // namespace ozgbus::xml
