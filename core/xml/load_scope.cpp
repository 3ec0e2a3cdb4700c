#include "core/xml/load_scope.h"

namespace ozgbus::xml {
namespace {
thread_local LoadScope* t_scope = nullptr;
}  // namespace

LoadScope::LoadScope(Resolver resolve) : resolve_(std::move(resolve)) { t_scope = this; }
LoadScope::~LoadScope() { t_scope = nullptr; }

LoadScope* LoadScope::current() { return t_scope; }

std::optional<std::string> LoadScope::resolve(const std::string& url) {
  auto path = resolve_(url);
  if (!path) refused_.push_back(url);
  return path;
}

}  // namespace ozgbus::xml
