// The XÖV message header (nachrichtenkopf.g2g) as the bus reads it: what routing, dedupe,
// receipts and traces need. A plain value; readHeader() only reads the document it is given.
#pragma once

#include <libxml/tree.h>

#include <optional>
#include <string>

#include "core/result.h"

namespace ozgbus::xoev {

struct Header {
  // identifikation.nachricht/nachrichtenUUID in lower case; with a [[headers]] mapping its
  // message_id (a UUID unless the mapping says id_format = "any").
  std::string message_uuid;
  std::string message_type;   // identifikation.nachricht/nachrichtentyp/code
  std::string created;        // identifikation.nachricht/erstellungszeitpunkt (xs:dateTime text)
  std::string author;         // autor/kennung, DVDV style "prefix:id"
  std::string reader;         // leser/kennung
  std::string service;        // dvdvDienstkennung when present (LeiKa key), else empty
  std::string namespace_uri;  // namespace of the document element: the schema version spoken
  std::string root_name;      // local name of the document element
};

// Reads the header under the document element. HEADER_MISSING when there is no
// nachrichtenkopf.g2g child, HEADER_INVALID naming the missing or malformed field and its line.
Result<Header> readHeader(const xmlDoc* doc);

// The same fields without the UUID check (header_mapping.h applies the mapping's id format).
Result<Header> readG2gFields(const xmlDoc* doc);

// id must be a UUID (HEADER_INVALID naming `field` otherwise); it is put in lower case.
std::optional<Rejection> normaliseUuid(std::string& id, const std::string& field);

// The digits of a DVDV kennung's id part ("ars:020000000000" -> "020000000000",
// "psw:01003110" -> "01003110"); empty when the id is not all digits. Routing matches ARS
// prefixes against this.
std::string arsDigits(const std::string& kennung);

// RFC 4122 textual form: 8-4-4-4-12 hex digits.
bool isUuid(const std::string& s);

}  // namespace ozgbus::xoev
