#include "core/dsig/trust_store.h"

#include <doctest/doctest.h>

#include <fstream>

#include "tests/support/pki.h"
#include "tests/support/temp_dir.h"

using namespace ozgbus;

TEST_CASE("the development trust store loads its CA certificates and CRLs") {
  auto t = dsig::TrustStore::load(testing::trustPaths());
  REQUIRE_MESSAGE(t.ok(), t.rejection().detail);
  CHECK((*t)->certificates() == 5);  // root, Hamburg, Schleswig-Holstein, Bayern, broker
  CHECK((*t)->crls() >= 5);
}

TEST_CASE("a missing path or a folder without certificates is refused, naming it") {
  auto missing = dsig::TrustStore::load({"/nonexistent/ca"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.rejection().detail.find("/nonexistent/ca") != std::string::npos);
  testing::TempDir empty;
  std::ofstream(empty.path() / "note.pem") << "not a certificate\n";
  auto none = dsig::TrustStore::load({empty.path()});
  REQUIRE_FALSE(none.ok());
  CHECK(none.rejection().detail.find("no CA certificate") != std::string::npos);
}

TEST_CASE("each load has its own generation, so caches notice a reload") {
  auto a = dsig::TrustStore::load(testing::trustPaths());
  auto b = dsig::TrustStore::load(testing::trustPaths());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK((*a)->generation() != (*b)->generation());
}
