// MessageTemplate: an XÖV document with {{UUID}} and {{NOW}} placeholders, instantiated with
// a fresh message id each time (demo, benchmarks, tests). Immutable after load; instantiate()
// is safe from any thread.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ozgbus::client {

class MessageTemplate {
 public:
  explicit MessageTemplate(std::string text) : text_(std::move(text)) {}
  static MessageTemplate load(const std::filesystem::path& file);
  static std::vector<MessageTemplate> loadAll(const std::filesystem::path& folder);

  // The document with a new UUID (returned through uuid if given) and the current time.
  std::string instantiate(std::string* uuid = nullptr) const;
  // Padded with <anlage> elements before the closing tag to about `bytes` in size.
  std::string instantiateSized(std::size_t bytes, std::string* uuid = nullptr) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace ozgbus::client
