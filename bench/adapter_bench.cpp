#include "bench/adapter_bench.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "bench/documents.h"
#include "bench/rate.h"
#include "broker/adapt/adapter_set.h"
#include "core/schema/schema_registry.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"
#include "tests/support/files.h"

namespace ozgbus::bench {
namespace {

const broker::CompiledMapping& identityMapping() {
  static const broker::CompiledMapping m = [] {
    static const char* kIdentity =
        R"x(<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">)x"
        R"x(<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/>)x"
        R"x(</xsl:copy></xsl:template></xsl:stylesheet>)x";
    xmlDoc* doc = xmlReadMemory(kIdentity, static_cast<int>(std::strlen(kIdentity)), nullptr, nullptr, 0);
    broker::CompiledMapping c;
    c.style.reset(xsltParseStylesheetDoc(doc), broker::StylesheetDeleter{});
    c.parameters.push_back(nullptr);
    return c;
  }();
  return m;
}

}  // namespace

int runAdapterBench(double seconds) {
  const std::filesystem::path source = OZGBUS_SOURCE_DIR;
  auto set = broker::AdapterSet::load({source / "adapters"});
  if (!set) throw std::runtime_error(set.rejection().detail);
  auto registry = schema::SchemaRegistry::load({{source / "xsd/catalog.xml"}, {"urn:xoev-de:ozgbus:meldewesen:2.0"}});
  if (!registry) throw std::runtime_error(registry.rejection().detail);
  const std::string doc = household(
      testing::readFile(source / "tests/fixtures/messages/meldewesen/1.0/valid-anmeldung-kiel.xml"), 4096);
  const broker::Adapter* hamburg = (*set)->forReader("020000000000");
  const broker::CompiledMapping* mapping = hamburg->find("urn:xoev-de:ozgbus:meldewesen:1.0", "0200");
  if (mapping == nullptr || !mapping->style) throw std::runtime_error("no meldewesen 1.0 mapping in hamburg");
  schema::SchemaValidator validator;
  {
    auto parsed = xml::parseSecure(doc, {});
    auto out = broker::AdapterSet::translate(*mapping, parsed->get());
    if (!out) throw std::runtime_error(out.rejection().toString());
    if (auto invalid = validator.validate(*registry, out->get())) throw std::runtime_error(invalid->toString());
  }
  const double parse = rate(seconds, [&] { (void)xml::parseSecure(doc, {}); });
  // The stylesheet was compiled at load; each call makes its own transform context, as the
  // adapt stage does per message. Each message is a freshly parsed document there, and
  // strip-space works on the input (in place, once): so each step below is measured as parse +
  // step on a fresh document, less the parse.
  const double both = rate(seconds, [&] {
    auto fresh = xml::parseSecure(doc, {});
    (void)broker::AdapterSet::translate(*mapping, fresh->get());
  });
  const double translate = 1.0 / (1.0 / both - 1.0 / parse);
  const double checked = rate(seconds, [&] {
    auto fresh = xml::parseSecure(doc, {});
    auto out = broker::AdapterSet::translate(*mapping, fresh->get());
    (void)validator.validate(*registry, out->get());
  });
  const double checked_alone = 1.0 / (1.0 / checked - 1.0 / parse);
  // What any stylesheet costs for this document: the XSLT identity copy, same engine and policy.
  const double identity_and_parse = rate(seconds, [&] {
    auto fresh = xml::parseSecure(doc, {});
    (void)broker::AdapterSet::translate(identityMapping(), fresh->get());
  });
  const double identity = 1.0 / (1.0 / identity_and_parse - 1.0 / parse);
  const double parse_us = 1e6 / parse, translate_us = 1e6 / translate, checked_us = 1e6 / checked_alone;
  std::printf("Meldewesen 1.0 -> 2.0 (adapter hamburg), %zu B document, one core, same run.\n\n"
              "| step | per second | µs each | × parse |\n|---|---|---|---|\n"
              "| parse | %.0f | %.1f | 1.00 |\n| translate (freshly parsed document in, new document out) | %.0f | %.1f | %.2f |\n"
              "| translate + validate the output against 2.0 | %.0f | %.1f | %.2f |\n"
              "| XSLT identity copy (floor of any stylesheet) | %.0f | %.1f | %.2f |\n",
              doc.size(), parse, parse_us, translate, translate_us, translate_us / parse_us, checked_alone,
              checked_us, checked_us / parse_us, identity, 1e6 / identity, 1e6 / identity / parse_us);
  return 0;
}

}  // namespace ozgbus::bench
