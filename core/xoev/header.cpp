#include "core/xoev/header.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <initializer_list>
#include <optional>

#include "core/xml/libxml.h"

namespace ozgbus::xoev {
namespace {

constexpr const char* kHeaderElement = "nachrichtenkopf.g2g";

const xmlNode* child(const xmlNode* parent, const char* name) {
  if (parent == nullptr) return nullptr;
  for (const xmlNode* n = parent->children; n != nullptr; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && std::strcmp(xml::chars(n->name), name) == 0) return n;
  }
  return nullptr;
}

const xmlNode* path(const xmlNode* from, std::initializer_list<const char*> steps) {
  for (const char* step : steps) from = child(from, step);
  return from;
}

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::string lineOf(const xmlNode* n) { return "line " + std::to_string(xmlGetLineNo(n)); }

// A required header field: its trimmed full text, or a rejection naming its path.
Result<std::string> field(const xmlNode* head, std::initializer_list<const char*> steps,
                          const std::string& name) {
  const xmlNode* n = path(head, steps);
  if (n == nullptr) {
    return reject(v1::HEADER_INVALID, std::string(kHeaderElement) + "/" + name +
                                          " missing (header at " + lineOf(head) + ")");
  }
  std::string value = trimmed(xml::textContent(n));
  if (value.empty()) {
    return reject(v1::HEADER_INVALID,
                  std::string(kHeaderElement) + "/" + name + " is empty (" + lineOf(n) + ")");
  }
  return value;
}

}  // namespace

bool isUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string arsDigits(const std::string& kennung) {
  const auto colon = kennung.find(':');
  std::string id = colon == std::string::npos ? kennung : kennung.substr(colon + 1);
  if (id.empty()) return {};
  for (char c : id) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return {};
  }
  return id;
}

Result<Header> readG2gFields(const xmlDoc* doc) {
  const xmlNode* root = xmlDocGetRootElement(const_cast<xmlDoc*>(doc));
  if (root == nullptr) return reject(v1::HEADER_MISSING, "document has no root element");
  const xmlNode* head = child(root, kHeaderElement);
  if (head == nullptr) {
    return reject(v1::HEADER_MISSING, std::string("no ") + kHeaderElement + " under <" +
                                          xml::chars(root->name) + "> (" + lineOf(root) + ")");
  }

  Header h;
  h.root_name = xml::chars(root->name);
  h.namespace_uri =
      root->ns != nullptr && root->ns->href != nullptr ? xml::chars(root->ns->href) : "";

  struct Field {
    std::string* out;
    std::initializer_list<const char*> steps;
    const char* name;
  };
  const Field fields[] = {
      {&h.message_uuid,
       {"identifikation.nachricht", "nachrichtenUUID"},
       "identifikation.nachricht/nachrichtenUUID"},
      {&h.message_type,
       {"identifikation.nachricht", "nachrichtentyp", "code"},
       "identifikation.nachricht/nachrichtentyp/code"},
      {&h.created,
       {"identifikation.nachricht", "erstellungszeitpunkt"},
       "identifikation.nachricht/erstellungszeitpunkt"},
      {&h.reader, {"leser", "kennung"}, "leser/kennung"},
      {&h.author, {"autor", "kennung"}, "autor/kennung"},
  };
  for (const Field& f : fields) {
    auto value = field(head, f.steps, f.name);
    if (!value) return value.rejection();
    *f.out = std::move(*value);
  }
  if (const xmlNode* s = child(head, "dvdvDienstkennung")) h.service = trimmed(xml::textContent(s));
  return h;
}

Result<Header> readHeader(const xmlDoc* doc) {
  auto h = readG2gFields(doc);
  if (!h) return h;
  if (auto bad = normaliseUuid(h->message_uuid, "nachrichtenUUID")) return *bad;
  return h;
}

std::optional<Rejection> normaliseUuid(std::string& id, const std::string& field) {
  if (!isUuid(id)) {
    return Rejection{v1::HEADER_INVALID,
                     field + " '" + id + "' is not a UUID (8-4-4-4-12 hex digits)"};
  }
  // UUIDs compare case-insensitively: one spelling, so an upper-case copy is the same message.
  std::transform(id.begin(), id.end(), id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::nullopt;
}

}  // namespace ozgbus::xoev
