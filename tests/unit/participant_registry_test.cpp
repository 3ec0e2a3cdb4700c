// ParticipantRegistry: the same participant is found by its id, its CURVE public key and its
// certificate subject; anything unknown gives nullptr.
#include "broker/security/participant_registry.h"

#include <doctest/doctest.h>

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

Participant participant(const std::string& id, v1::Role role, const std::string& key,
                        const std::string& subject) {
  Participant p;
  p.id = id;
  p.role = role;
  p.curve_public_key = key;
  p.certificate_subject = subject;
  return p;
}

ParticipantRegistry registry() {
  Participant backend =
      participant("hh-gewerbe", v1::BACKEND, "backend-key-00000000000000000000000000000", "");
  backend.queues = {"hh", "hh-archiv"};
  return ParticipantRegistry({
      participant("psw:02000001", v1::PORTAL, "portal-key-000000000000000000000000000001",
                  "CN=Portal Hamburg,O=FHH,C=DE"),
      participant("psw:02000002", v1::PORTAL, "portal-key-000000000000000000000000000002",
                  "CN=Portal Bremen,O=FHB,C=DE"),
      backend,
  });
}

}  // namespace

TEST_CASE(
    "the participant registry finds one participant by id, CURVE key and certificate subject") {
  const ParticipantRegistry r = registry();
  CHECK(r.size() == 3);
  const Participant* by_id = r.byId("psw:02000001");
  REQUIRE(by_id != nullptr);
  CHECK(by_id->role == v1::PORTAL);
  CHECK(r.byCurveKey("portal-key-000000000000000000000000000001") == by_id);
  CHECK(r.bySubject("CN=Portal Hamburg,O=FHH,C=DE") == by_id);

  const Participant* bremen = r.byId("psw:02000002");
  REQUIRE(bremen != nullptr);
  CHECK(bremen != by_id);
  CHECK(r.byCurveKey("portal-key-000000000000000000000000000002") == bremen);
  CHECK(r.bySubject("CN=Portal Bremen,O=FHB,C=DE") == bremen);

  const Participant* backend = r.byCurveKey("backend-key-00000000000000000000000000000");
  REQUIRE(backend != nullptr);
  CHECK(backend == r.byId("hh-gewerbe"));
  CHECK(backend->queues == std::vector<std::string>{"hh", "hh-archiv"});
}

TEST_CASE("the participant registry gives nullptr for an unknown id, key or subject") {
  const ParticipantRegistry r = registry();
  CHECK(r.byId("psw:09999999") == nullptr);
  CHECK(r.byId("") == nullptr);
  CHECK(r.byCurveKey("unknown-key-00000000000000000000000000000") == nullptr);
  CHECK(r.bySubject("CN=Someone Else,O=X,C=DE") == nullptr);
  CHECK(r.bySubject("") == nullptr);  // the back-end has no subject: none is registered under ""
  const ParticipantRegistry empty(std::vector<Participant>{});
  CHECK(empty.size() == 0);
  CHECK(empty.byId("psw:02000001") == nullptr);
  CHECK(empty.byCurveKey("portal-key-000000000000000000000000000001") == nullptr);
}
