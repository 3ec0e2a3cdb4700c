#include "bench/schema_bench.h"

#include "bench/documents.h"
#include "bench/rate.h"

#include <cstdio>
#include <stdexcept>

#include "core/schema/schema_registry.h"
#include "core/xml/secure_parser.h"
#include "tests/support/files.h"

namespace ozgbus::bench {
namespace {

namespace fs = std::filesystem;

}  // namespace

int runSchemaBench(double seconds) {
  const fs::path source = OZGBUS_SOURCE_DIR;
  auto registry = schema::SchemaRegistry::load(
      {{source / "xsd/catalog.xml"}, {"urn:xoev-de:ozgbus:meldewesen:1.0"}});
  if (!registry) throw std::runtime_error(registry.rejection().detail);
  const std::string base =
      testing::readFile(source / "tests/fixtures/messages/meldewesen/1.0/valid-anmeldung-kiel.xml");
  const auto compiled_before = schema::SchemaRegistry::compilations();
  xml::XmlLimits limits;
  limits.max_elements = 1000000;

  std::printf(
      "| message | parse only (msg/s) | parse + validate (msg/s) | validation alone (µs) | "
      "parse (µs) | validation / parse |\n|---|---|---|---|---|---|\n");
  schema::SchemaValidator validator;
  for (const std::size_t size : {std::size_t{4096}, std::size_t{65536}}) {
    const std::string doc = household(base, size);
    {
      auto check = xml::parseSecure(doc, limits);
      if (!check || validator.validate(*registry, check->get())) {
        throw std::runtime_error("benchmark document is not valid");
      }
    }
    const double parse = rate(seconds, [&] { (void)xml::parseSecure(doc, limits); });
    const double both = rate(seconds, [&] {
      auto d = xml::parseSecure(doc, limits);
      (void)validator.validate(*registry, d->get());
    });
    const double parse_us = 1e6 / parse;
    const double validate_us = 1e6 / both - parse_us;
    std::printf("| %zu B | %.0f | %.0f | %.1f | %.1f | %.2f |\n", doc.size(), parse, both,
                validate_us, parse_us, validate_us / parse_us);
  }
  std::printf(
      "\nschemas compiled while validating: %llu (compiled at load: 1)\n",
      static_cast<unsigned long long>(schema::SchemaRegistry::compilations() - compiled_before));
  return 0;
}

}  // namespace ozgbus::bench
