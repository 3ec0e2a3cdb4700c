// Where a standard keeps its message header: per root namespace, XPath 1.0 expressions for the
// fields the bus reads (message id, type, created, author, reader, service), or — the built-in
// default, for every namespace no mapping names — the XÖV nachrichtenkopf.g2g shape
// (header.h). Configured in [[headers]] (docs/standards.md); no C++ change for a new standard.
//
// HeaderMappings is the configuration, a plain value. HeaderReader is its compiled form: the
// expressions compiled once, checked at compile time. A HeaderReader is used by one thread at a
// time (each pipeline worker compiles its own); compile() on another thread gives another.
#pragma once

#include <libxml/tree.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/xoev/header.h"

namespace ozgbus::xoev {

enum class IdFormat {
  kUuid,  // 8-4-4-4-12 hex, compared in lower case
  kAny,   // letters, digits and . _ : @ - up to max_id_length (a process id, a file number)
};

struct HeaderMapping {
  std::string where;  // "ozgbus.toml [[headers]] #2": named in every error about this mapping
  std::vector<std::string> namespaces;          // root namespaces it serves
  std::map<std::string, std::string> prefixes;  // prefix -> namespace, for the expressions
  // XPath 1.0; each must select exactly one node with non-empty text. All empty: the built-in
  // nachrichtenkopf.g2g fields (then only id_format and type_from_root apply).
  std::string message_id, message_type, created, author, reader;
  std::string service;  // optional; empty: none
  IdFormat id_format = IdFormat::kUuid;
  std::size_t max_id_length = 128;
  // The root element's name ends in ".<message type>" (gewerbe.anmeldung.0100 carries 0100).
  bool type_from_root = false;

  bool builtinShape() const;
};

using HeaderMappings = std::vector<HeaderMapping>;

class HeaderReader {
 public:
  // The built-in nachrichtenkopf.g2g reader for every namespace.
  HeaderReader();
  ~HeaderReader();
  HeaderReader(HeaderReader&&) noexcept;
  HeaderReader& operator=(HeaderReader&&) noexcept;

  // Compiles every mapping; a broken expression, an unknown prefix, a namespace served twice
  // or a mapping with some but not all required expressions names the mapping and the key.
  static Result<HeaderReader> compile(const HeaderMappings& mappings);

  // The mapping for the document's root namespace (else the built-in one): HEADER_MISSING or
  // HEADER_INVALID naming the key and the expression when a field is not there exactly once.
  Result<Header> read(const xmlDoc* doc) const;

  // Which mapping read() uses for doc: its `where`, or "the built-in nachrichtenkopf.g2g
  // mapping" (ozgbus header prints it).
  std::string mappingFor(const xmlDoc* doc) const;

 private:
  struct Compiled;
  std::vector<std::unique_ptr<Compiled>> compiled_;
  std::map<std::string, const Compiled*> by_namespace_;
};

}  // namespace ozgbus::xoev
