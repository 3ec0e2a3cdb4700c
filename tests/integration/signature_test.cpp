// Signatures through the real broker: verify on submit, the broker's own signature on delivery
// with the author's original beside it, interop with the xmlsec1 tool both ways, and every
// forgery rejected with its reason while the broker serves on.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "core/dsig/verifier.h"
#include "core/wire/curve_keys.h"
#include "core/xml/secure_parser.h"
#include "tests/support/broker_process.h"
#include "tests/support/config_toml.h"
#include "tests/support/files.h"
#include "tests/support/forgeries.h"
#include "tests/support/listener.h"

using namespace ozgbus;
using testing::BrokerProcess;
using testing::startFailure;

namespace {

std::string signingConfig(bool with_participants = true) {
  return "[pipeline]\nstages = [\"parse\", \"verify\", \"header\", \"route\", \"sign\", "
         "\"persist\"]\n\n" +
         testing::signaturesToml(with_participants);
}

// xmlsec1 --verify with the root as the only trust anchor and the intermediates as helpers.
int xmlsec1Verify(const std::filesystem::path& file) {
  const auto ca = testing::pki() / "ca";
  std::vector<std::string> argv = {"xmlsec1", "--verify", "--trusted-pem",
                                   (ca / "root.cert.pem").string()};
  for (const char* i : {"hh", "sh", "by", "broker"}) {
    argv.insert(argv.end(), {"--untrusted-pem", (ca / (std::string(i) + ".cert.pem")).string()});
  }
  argv.push_back(file.string());
  return testing::runCommand(argv).status;
}

v1::SubmitResult submit(const BrokerProcess& broker, const std::string& doc,
                        const std::string& as = "psw:02000001") {
  auto portal = broker.connect(as, v1::PORTAL);
  auto r = portal->submit(doc);
  REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
  return *r;
}

}  // namespace

TEST_CASE(
    "a signed submission is delivered re-signed by the broker together with the author's "
    "original") {
  BrokerProcess broker(signingConfig());
  broker.start();
  std::string uuid;
  const std::string submitted = testing::signedSample(&uuid);
  auto r = submit(broker, submitted);
  REQUIRE_MESSAGE(r.accepted(), reasonName(r.reason()) << " " << r.detail());

  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 4);
  auto d = testing::nextOf(*backend, v1::DELIVER);
  REQUIRE(d);
  REQUIRE(d->payloads.size() == 2);
  CHECK(d->payloads[1] == submitted);
  CHECK(d->payloads[0] != submitted);

  auto trust = dsig::TrustStore::load(testing::trustPaths());
  REQUIRE(trust.ok());
  dsig::Verifier verifier;
  for (const auto& [payload, signer] :
       {std::pair{d->payloads[0], "ozgbus-broker-ec"}, std::pair{d->payloads[1], "psw:02000001"}}) {
    auto doc = xml::parseSecure(payload, {});
    REQUIRE(doc.ok());
    auto v = verifier.verify(doc->get(), **trust);
    REQUIRE_MESSAGE(v.ok(), v.rejection().toString());
    CHECK(v->common_name == signer);
    std::ofstream(broker.dir() / "delivered.xml", std::ios::binary) << payload;
    CHECK(xmlsec1Verify(broker.dir() / "delivered.xml") == 0);
  }
  backend->ack(d->envelope.deliver().delivery_id());

  // The receipt carries a Quittung signed by the broker.
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  auto receipt = testing::nextOf(*portal, v1::RECEIPT);
  REQUIRE(receipt);
  CHECK(receipt->envelope.receipt().message_uuid() == uuid);
  REQUIRE(receipt->payloads.size() == 1);
  const std::string& quittung = receipt->payloads[0];
  CHECK(quittung.find("quittung.annahme.0900") != std::string::npos);
  CHECK(quittung.find(uuid) != std::string::npos);
  auto doc = xml::parseSecure(quittung, {});
  REQUIRE(doc.ok());
  auto v = verifier.verify(doc->get(), **trust);
  REQUIRE_MESSAGE(v.ok(), v.rejection().toString());
  CHECK(v->common_name == "ozgbus-broker-ec");
  std::ofstream(broker.dir() / "quittung.xml", std::ios::binary) << quittung;
  CHECK(xmlsec1Verify(broker.dir() / "quittung.xml") == 0);

  // Not ACKed: after a restart the receipt is read back from the store and comes again, signed.
  portal.reset();
  CHECK(broker.stop(SIGTERM) == 0);
  broker.start();
  portal = broker.connect("psw:02000001", v1::PORTAL);
  auto again = testing::nextOf(*portal, v1::RECEIPT);
  REQUIRE(again);
  REQUIRE(again->payloads.size() == 1);
  auto doc_again = xml::parseSecure(again->payloads[0], {});
  REQUIRE(doc_again.ok());
  auto v_again = verifier.verify(doc_again->get(), **trust);
  REQUIRE_MESSAGE(v_again.ok(), v_again.rejection().toString());
  CHECK(v_again->common_name == "ozgbus-broker-ec");
  CHECK(again->payloads[0].find(uuid) != std::string::npos);
}

TEST_CASE("a document signed by the xmlsec1 tool is accepted") {
  BrokerProcess broker(signingConfig());
  broker.start();
  const std::string tmpl = testing::replaced(
      testing::unsignedSample(), "</gew:gewerbe.anmeldung.0100>",
      R"(<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>)"
      R"(<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>)"
      R"(<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>)"
      R"(<ds:Reference URI=""><ds:Transforms>)"
      R"(<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>)"
      R"(<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>)"
      R"(<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>)"
      R"(</ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo>)"
      R"(</ds:Signature></gew:gewerbe.anmeldung.0100>)");
  // The Schleswig-Holstein portal signs with ECDSA P-256; the sample's author is changed to it.
  std::ofstream(broker.dir() / "tmpl.xml")
      << testing::replaced(tmpl, "psw:02000001", "psw:01000001");
  const auto keys = testing::participantKeys("psw:01000001");
  auto signed_by_tool = testing::runCommand(
      {"xmlsec1", "--sign", "--privkey-pem", keys.key.string() + "," + keys.cert.string(),
       "--output", (broker.dir() / "signed.xml").string(), (broker.dir() / "tmpl.xml").string()});
  REQUIRE(signed_by_tool.status == 0);
  auto r = submit(broker, testing::readFile(broker.dir() / "signed.xml"), "psw:01000001");
  CHECK_MESSAGE(r.accepted(), reasonName(r.reason()) << " " << r.detail());
}

TEST_CASE("the broker refuses to start with a signing certificate it would refuse from a portal") {
  const auto broker_keys = testing::brokerKeys("ec");
  const auto weak = testing::rsa1024Certificate();
  std::string config = signingConfig();
  config = testing::replaced(config, broker_keys.key.string(), weak.key.string());
  config = testing::replaced(config, broker_keys.cert.string(), weak.cert.string());
  BrokerProcess broker(config);
  const std::string failure = startFailure(broker);
  CHECK(failure.find("signatures.certificate") != std::string::npos);
  CHECK_MESSAGE(failure.find("RSA key of 1024 bits") != std::string::npos, failure);
}

TEST_CASE(
    "the broker refuses to start when a participant's certificate_issuer is no CA it trusts") {
  const std::string config =
      testing::replaced(signingConfig(), "certificate_issuer = \"CN=ozgbus DEV Hamburg (02)",
                        "certificate_issuer = \"CN=ozgbus DEV Hamburg (2)");
  BrokerProcess broker(config);
  const std::string failure = startFailure(broker);
  CHECK_MESSAGE(failure.find("participant psw:02000001: certificate_issuer 'CN=ozgbus DEV Hamburg "
                             "(2) Intermediate CA") != std::string::npos,
                failure);
  CHECK(failure.find("is the subject of no CA certificate in the trust store") !=
        std::string::npos);
}

TEST_CASE(
    "every forgery is rejected with its reason and nothing is stored while the broker serves on") {
  BrokerProcess broker(signingConfig());
  broker.start();
  const std::string original = testing::unsignedSample();
  for (const auto& f : testing::forgeries()) {
    CAPTURE(f.name);
    auto r = submit(broker, f.make(original));
    CHECK_FALSE(r.accepted());
    CHECK_MESSAGE(r.reason() == f.expected, reasonName(r.reason()) << " " << r.detail());
    CHECK_FALSE(r.detail().empty());
  }
  CHECK(submit(broker, testing::signedSample()).accepted());
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 64);
  CHECK(testing::drainAcking(*backend, 2, std::chrono::seconds(2)).size() == 1);
}

TEST_CASE("the header's author must be the signer and the signer a registered participant") {
  BrokerProcess broker(signingConfig());
  broker.start();
  auto r = submit(broker, testing::signWith(testing::participantKeys("psw:01000001"),
                                            testing::unsignedSample()));
  CHECK(r.reason() == v1::AUTHOR_MISMATCH);
  CHECK(r.detail().find("'psw:02000001' did not sign") != std::string::npos);
  CHECK(r.detail().find("'psw:01000001'") != std::string::npos);

  // Another CA of the trust store (Bayern's) issued a certificate with psw:02000001's exact
  // subject: the registry names the CA that issues psw:02000001's certificates.
  r = submit(broker, testing::signWith(testing::impostorOf("psw:02000001", "by"),
                                       testing::unsignedSample()));
  CHECK(r.reason() == v1::NOT_AUTHORIZED);
  CHECK_MESSAGE(r.detail().find("was issued by") != std::string::npos, r.detail());
  CHECK(r.detail().find("Bayern") != std::string::npos);
  CHECK(r.detail().find("certificate_issuer") != std::string::npos);

  BrokerProcess unregistered(signingConfig(false));
  unregistered.start();
  r = submit(unregistered, testing::signedSample());
  CHECK(r.reason() == v1::NOT_AUTHORIZED);
  CHECK(r.detail().find("CN=psw:02000001") != std::string::npos);
}

TEST_CASE("a Reference to an http:// URI is refused and nothing is fetched") {
  BrokerProcess broker(signingConfig());
  broker.start();
  testing::Listener listener;
  const std::string url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/payload.xml";
  auto r =
      submit(broker, testing::replaced(testing::signedSample(), "URI=\"\"", "URI=\"" + url + "\""));
  CHECK(r.reason() == v1::SIGNATURE_POLICY);
  CHECK(r.detail().find(url) != std::string::npos);
  CHECK_FALSE(listener.contacted());
}

TEST_CASE(
    "with CURVE the connection, the header's author and the signing certificate must be one "
    "participant") {
  const auto pki = testing::pki();
  std::string toml = signingConfig(false);
  BrokerProcess broker(toml, "debug",
                       "curve_secret_key_file = \"" + (pki / "curve/broker.key").string() +
                           "\"\nparticipants_file = \"" +
                           (pki / "curve/participants.toml").string() + "\"");
  const auto options = [&](const std::string& id, const std::string& file, v1::Role role) {
    client::Options o{broker.endpoint(), id, role};
    auto mine = wire::loadCurveKeys(pki / "curve" / (file + ".key"));
    auto server = wire::loadCurveKeys(pki / "curve/broker.pub");
    REQUIRE(mine.ok());
    REQUIRE(server.ok());
    o.public_key = mine->public_key;
    o.secret_key = mine->secret_key;
    o.server_public_key = server->public_key;
    return o;
  };
  broker.setProbe(options("ozgbus-operator", "ozgbus-operator", v1::OBSERVER));
  broker.start();
  // Flow events show every message's way: an observer may subscribe, a portal may not.
  const std::string events = "tcp://127.0.0.1:" + std::to_string(broker.eventsPort());
  const auto watch = [&](const std::string& file) {
    return testing::runCommand({OZGBUS_CLI_BIN, "watch", "--events", events, "--key",
                                (pki / "curve" / (file + ".key")).string(), "--server-key",
                                (pki / "curve/broker.pub").string(), "--count", "1", "--timeout",
                                "3"});
  };
  testing::CommandResult as_operator, as_portal;
  std::thread op([&] { as_operator = watch("ozgbus-operator"); });
  std::thread po([&] { as_portal = watch("psw_01000001"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  auto hh = client::Client::connect(options("psw:02000001", "psw_02000001", v1::PORTAL));
  REQUIRE(hh.ok());
  CHECK((*hh)->submit(testing::signedSample())->accepted());
  op.join();
  po.join();
  CHECK_MESSAGE(as_operator.status == 0, as_operator.out);
  CHECK(as_operator.out.find("received") != std::string::npos);
  CHECK(as_portal.status == 2);
  CHECK(as_portal.err.find("admits only registered observers") != std::string::npos);

  // Author and signer agree with each other but not with the connection.
  const std::string sh_doc =
      testing::replaced(testing::unsignedSample(), "<kennung>psw:02000001</kennung>",
                        "<kennung>psw:01000001</kennung>");
  auto r = (*hh)->submit(testing::signWith(testing::participantKeys("psw:01000001"), sh_doc));
  REQUIRE(r.ok());
  CHECK(r->reason() == v1::IDENTITY_MISMATCH);
  // Author and connection agree; the signature is another participant's.
  r = (*hh)->submit(
      testing::signWith(testing::participantKeys("psw:01000001"), testing::unsignedSample()));
  REQUIRE(r.ok());
  CHECK(r->reason() == v1::AUTHOR_MISMATCH);
}

TEST_CASE("ozgbus recv keeps the broker's document and the author's original side by side") {
  BrokerProcess broker(signingConfig());
  broker.start();
  std::string uuid;
  const std::string submitted = testing::signedSample(&uuid);
  REQUIRE(submit(broker, submitted).accepted());
  const auto out = broker.dir() / "inbox";
  auto recv = testing::runCommand({OZGBUS_CLI_BIN, "recv", "--broker", broker.endpoint(), "--as",
                                   "hh-gewerbeamt", "--out", out.string(), "--count", "1",
                                   "--timeout", "5"});
  CHECK(recv.status == 0);
  const std::string name = "psw%3A02000001_" + uuid + "_0100";
  CHECK(testing::readFile(out / (name + ".original.xml")) == submitted);
  auto verified = testing::runCommand(
      {OZGBUS_CLI_BIN, "verify", "--trust", (testing::pki() / "ca").string(), "--trust",
       (testing::pki() / "crl").string(), (out / (name + ".xml")).string(),
       (out / (name + ".original.xml")).string()});
  CHECK(verified.status == 0);
  CHECK(verified.out.find("VALID signer=\"CN=ozgbus-broker-ec") != std::string::npos);
  CHECK(verified.out.find("VALID signer=\"CN=psw:02000001") != std::string::npos);
}
