#include "client/message_template.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/xoev/uuid.h"

namespace ozgbus::client {
namespace {

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

std::string nowIso() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

MessageTemplate MessageTemplate::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::stringstream buf;
  buf << in.rdbuf();
  return MessageTemplate(buf.str());
}

std::vector<MessageTemplate> MessageTemplate::loadAll(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    if (e.path().extension() == ".xml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<MessageTemplate> out;
  for (const auto& f : files) out.push_back(load(f));
  return out;
}

std::string MessageTemplate::instantiate(std::string* uuid) const {
  std::string id = xoev::newUuid();
  std::string doc = text_;
  replaceAll(doc, "{{UUID}}", id);
  replaceAll(doc, "{{NOW}}", nowIso());
  if (uuid != nullptr) *uuid = std::move(id);
  return doc;
}

std::string MessageTemplate::instantiateSized(std::size_t bytes, std::string* uuid) const {
  std::string doc = instantiate(uuid);
  // Real elements, not a comment, so the parser does the work a larger application would
  // cost: attachments (anlage) with a name and base64-like content.
  std::string padding;
  for (int i = 1; doc.size() + padding.size() + 64 < bytes; ++i) {
    const std::size_t room = bytes - doc.size() - padding.size() - 64;
    padding += "<anlage nr=\"" + std::to_string(i) + "\"><bezeichnung>Nachweis " +
               std::to_string(i) + "</bezeichnung><inhalt>" +
               std::string(std::min<std::size_t>(room, 400), 'Q') + "</inhalt></anlage>\n";
  }
  doc.insert(doc.rfind("</"), padding);
  return doc;
}

}  // namespace ozgbus::client
