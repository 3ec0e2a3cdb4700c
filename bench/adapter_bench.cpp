#include "bench/adapter_bench.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <set>
#include <stdexcept>
#include <vector>

#include "bench/dev_pki.h"
#include "bench/documents.h"
#include "bench/rate.h"
#include "broker/adapt/adapter_set.h"
#include "client/signing.h"
#include "core/dsig/signer.h"
#include "core/schema/schema_registry.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"
#include "tests/support/files.h"
#include "tests/support/pki.h"

namespace ozgbus::bench {
namespace {

const broker::CompiledMapping& identityMapping() {
  static const broker::CompiledMapping m = [] {
    static const char* kIdentity =
        R"x(<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">)x"
        R"x(<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/>)x"
        R"x(</xsl:copy></xsl:template></xsl:stylesheet>)x";
    xmlDoc* doc =
        xmlReadMemory(kIdentity, static_cast<int>(std::strlen(kIdentity)), nullptr, nullptr, 0);
    broker::CompiledMapping c;
    c.style.reset(xsltParseStylesheetDoc(doc), broker::StylesheetDeleter{});
    c.parameters.push_back(nullptr);
    return c;
  }();
  return m;
}

// Per-message step times in the broker's order: parse, validate against 1.0, translate (when
// `translating`), validate the output against 2.0. Each step is timed on its own, so every step
// runs with the memory state the others leave behind, as in the worker pool.
struct StepTimes {
  double parse = 0, validate_in = 0, translate = 0, validate_out = 0;
  std::uint64_t n = 0;
  double us(double total) const { return total / static_cast<double>(n); }
};

StepTimes pipeline(double seconds, const std::string& doc, const broker::CompiledMapping& mapping,
                   const std::shared_ptr<const schema::SchemaRegistry>& registry,
                   bool translating) {
  using Clock = std::chrono::steady_clock;
  const auto micros = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::micro>(b - a).count();
  };
  schema::SchemaValidator validator;
  StepTimes t;
  const auto start = Clock::now();
  while (micros(start, Clock::now()) < seconds * 1e6) {
    const auto a = Clock::now();
    auto parsed = xml::parseSecure(doc, {});
    const auto b = Clock::now();
    if (!parsed || validator.validate(registry, parsed->get()))
      throw std::runtime_error("input invalid");
    xml::Doc input = std::move(*parsed);
    const auto c = Clock::now();
    t.parse += micros(a, b);
    t.validate_in += micros(b, c);
    if (translating) {
      auto out = broker::AdapterSet::translate(mapping, input.get());
      const auto d = Clock::now();
      if (!out || validator.validate(registry, out->get()))
        throw std::runtime_error("output invalid");
      const auto e = Clock::now();
      out =
          xml::Doc();  // the output's free is part of its cost (the broker frees it after sending)
      const auto f = Clock::now();
      t.translate += micros(c, d) + micros(e, f);
      t.validate_out += micros(d, e);
    }
    const auto g = Clock::now();
    input.reset();
    t.parse += micros(g, Clock::now());  // as in B, where each parse frees its document
    ++t.n;
  }
  return t;
}

// Every mapping with a stylesheet, each on its adapter's first fixture for it (the documents the
// test suite checks the output of): parse, and parse + translate less the parse, same run.
void everyMapping(double seconds, const broker::AdapterSet& set) {
  std::printf(
      "Every mapping, on its adapter's first fixture for it, one core, same run (translate = parse "
      "+ "
      "translate, less the parse):\n\n"
      "| adapter | mapping | document | parse µs | translate µs | × parse "
      "|\n|---|---|---|---|---|---|\n");
  for (const broker::Adapter& adapter : set.adapters()) {
    std::vector<std::filesystem::path> fixtures;
    const auto folder = adapter.manifest.folder / "fixtures";
    if (!std::filesystem::is_directory(folder)) continue;
    for (const auto& e : std::filesystem::directory_iterator(folder)) {
      const std::string name = e.path().filename().string();
      if (name.size() > 7 && name.substr(name.size() - 7) == ".in.xml")
        fixtures.push_back(e.path());
    }
    std::sort(fixtures.begin(), fixtures.end());
    std::set<const broker::CompiledMapping*> done;
    for (const auto& f : fixtures) {
      const std::string stem = f.string().substr(0, f.string().size() - 7);
      if (!std::filesystem::exists(stem + ".out.xml")) continue;  // a refusal, not a translation
      const std::string doc = testing::readFile(f);
      auto parsed = xml::parseSecure(doc, {});
      auto header = xoev::readHeader(parsed->get());
      if (!header) throw std::runtime_error(f.string() + ": " + header.rejection().detail);
      const broker::CompiledMapping* m = adapter.find(header->namespace_uri, header->message_type);
      if (m == nullptr || !m->style || !done.insert(m).second) continue;
      const auto us =
          sideBySideMicros(seconds, {[&] { (void)xml::parseSecure(doc, {}); },
                                     [&] {
                                       auto fresh = xml::parseSecure(doc, {});
                                       if (!broker::AdapterSet::translate(*m, fresh->get())) {
                                         throw std::runtime_error(f.string() + " failed");
                                       }
                                     }});
      const double parse_us = us[0], translate_us = us[1] - us[0];
      std::printf("| %s | %s | %s (%zu B) | %.1f | %.1f | %.2f |\n", adapter.manifest.name.c_str(),
                  m->spec.stylesheet.filename().c_str(), f.filename().c_str(), doc.size(), parse_us,
                  translate_us, translate_us / parse_us);
      std::fflush(stdout);
    }
  }
  std::printf("\n");
}

// Parse alone, parse + translate and (optionally) parse + identity copy side by side, each on a
// fresh document (strip-space prunes the input in place): a step's cost is its loop less the parse.
struct SideBySide {
  double parse_us, translate_us, identity_us;
};

SideBySide translateVsParse(double seconds, const std::string& doc,
                            const broker::CompiledMapping& mapping, bool identity) {
  std::vector<std::function<void()>> fs = {
      [&] { (void)xml::parseSecure(doc, {}); },
      [&] {
        auto fresh = xml::parseSecure(doc, {});
        if (!broker::AdapterSet::translate(mapping, fresh->get())) {
          throw std::runtime_error("the benchmark document does not translate");
        }
      }};
  if (identity) {
    fs.push_back([&] {
      auto fresh = xml::parseSecure(doc, {});
      (void)broker::AdapterSet::translate(identityMapping(), fresh->get());
    });
  }
  const auto us = sideBySideMicros(seconds, fs);
  return {us[0], us[1] - us[0], identity ? us[2] - us[0] : 0.0};
}

}  // namespace

int runAdapterBench(double seconds) {
  const std::filesystem::path source = OZGBUS_SOURCE_DIR;
  auto set = broker::AdapterSet::load({source / "adapters"});
  if (!set) throw std::runtime_error(set.rejection().detail);
  auto registry = schema::SchemaRegistry::load(
      {{source / "xsd/catalog.xml"},
       {"urn:xoev-de:ozgbus:meldewesen:1.0", "urn:xoev-de:ozgbus:meldewesen:2.0"}});
  if (!registry) throw std::runtime_error(registry.rejection().detail);
  const broker::Adapter* hamburg = (*set)->forReader("020000000000");
  const broker::CompiledMapping* mapping =
      hamburg->find("urn:xoev-de:ozgbus:meldewesen:1.0", "0200");
  if (mapping == nullptr || !mapping->style)
    throw std::runtime_error("no meldewesen 1.0 mapping in hamburg");

  // The Kiel household (4 KiB) bare, and as its portal sends it: signed, the certificate in
  // KeyInfo.
  const std::string bare = household(
      testing::readFile(source / "tests/fixtures/messages/meldewesen/1.0/valid-anmeldung-kiel.xml"),
      4096);
  ensureDevPki();
  const auto keys = testing::participantKeys("psw:01000001");
  auto signer = dsig::Signer::load(keys.key, keys.cert);
  if (!signer) throw std::runtime_error(signer.rejection().detail);
  auto signed_doc = client::signDocument(bare, **signer);
  if (!signed_doc) throw std::runtime_error(signed_doc.rejection().toString());
  const std::string& sent = *signed_doc;

  everyMapping(seconds, **set);

  // A. As the broker does it, each step timed.
  const StepTimes with = pipeline(seconds, sent, *mapping, *registry, true);
  const StepTimes without = pipeline(seconds, sent, *mapping, *registry, false);
  const double p_with = with.us(with.parse), p = without.us(without.parse),
               tr = with.us(with.translate);
  std::printf(
      "Meldewesen 1.0 -> 2.0 (adapter hamburg), the Kiel household: %zu B, signed by its portal "
      "%zu B.\n\n"
      "A. The signed message, per message in the broker's order, each step timed on its own "
      "(%llu messages; without translation %llu):\n\n"
      "| step | µs each |\n|---|---|\n"
      "| parse (and free the document), in the same loop without translation | %.1f |\n"
      "| parse (and free the document), after a translation | %.1f |\n"
      "| validate the input against 1.0 | %.1f |\n"
      "| translate (transform context, transform, free the output) | %.1f |\n"
      "| validate the output against 2.0 | %.1f |\n\n"
      "Translate / parse without translation: %.2f ×; with the slowdown it causes in the next "
      "parse: %.2f ×.\n\n",
      bare.size(), sent.size(), static_cast<unsigned long long>(with.n),
      static_cast<unsigned long long>(without.n), p, p_with, with.us(with.validate_in), tr,
      with.us(with.validate_out), tr / p, (tr + p_with - p) / p);

  // B. Parse vs translate side by side, for the message as sent and for the bare document.
  const SideBySide s = translateVsParse(seconds * 2, sent, *mapping, false);
  const SideBySide b = translateVsParse(seconds * 3, bare, *mapping, true);
  std::printf(
      "B. Parse, and parse + translate less the parse, side by side:\n\n"
      "| document | parse µs | translate µs | × parse |\n|---|---|---|---|\n"
      "| signed, as the portal sends it (%zu B) | %.1f | %.1f | **%.2f** |\n"
      "| bare (%zu B) | %.1f | %.1f | **%.2f** |\n"
      "| bare, XSLT identity copy instead (the floor of any stylesheet) | %.1f | %.1f | %.2f |\n",
      sent.size(), s.parse_us, s.translate_us, s.translate_us / s.parse_us, bare.size(), b.parse_us,
      b.translate_us, b.translate_us / b.parse_us, b.parse_us, b.identity_us,
      b.identity_us / b.parse_us);
  std::printf(
      "\nPer second on one core, bare document: %.0f parses, %.0f translations, %.0f parses + "
      "translations.\n",
      1e6 / b.parse_us, 1e6 / b.translate_us, 1e6 / (b.parse_us + b.translate_us));
  return 0;
}

}  // namespace ozgbus::bench
