#include <doctest/doctest.h>

#include <vector>

#include "broker/audit/audit_chain.h"
#include "broker/store/sqlite/audit_table.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

// An in-memory store with the audit table and a chain of n entries, written as the store does:
// append, then insert the returned entry.
struct AuditDb {
  sqlite::Db db;
  AuditChain chain;
  std::unique_ptr<sqlite::Stmt> insert;

  explicit AuditDb(int n = 0) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
    db.reset(raw);
    sqlite::exec(raw, kAuditSchema);
    insert = std::make_unique<sqlite::Stmt>(raw, kAuditInsertSql);
    for (int i = 1; i <= n; ++i) add(i);
  }

  AuditEntry add(int i) {
    static const char* const kEvents[] = {audit_event::kAccepted, audit_event::kDelivered,
                                          audit_event::kReceiptAcknowledged};
    AuditEntry e = chain.append(1714564800000 + i, kEvents[i % 3], "uuid-" + std::to_string(i),
                                "psw:" + std::to_string(i % 2), "queue=q" + std::to_string(i));
    insertAuditEntry(*insert, e);
    return e;
  }

  void exec(const std::string& sql) { sqlite::exec(db.get(), sql.c_str()); }

  AuditEntry read(std::uint64_t seq) {
    std::optional<AuditEntry> found;
    readAuditEntries(db.get(), std::nullopt, std::nullopt, [&](const AuditEntry& e) {
      if (e.seq == seq) found = e;
    });
    REQUIRE(found.has_value());
    return *found;
  }

  // Replaces row `seq` with e (e.seq may differ: the row moves).
  void put(std::uint64_t seq, const AuditEntry& e) {
    exec("DELETE FROM audit WHERE seq = " + std::to_string(seq));
    insertAuditEntry(*insert, e);
  }

  AuditVerdict verify(const std::optional<AuditTip>& anchor = {}) {
    return verifyAuditTable(db.get(), anchor);
  }
};

bool mentions(const AuditVerdict& v, const std::string& text) {
  return v.problem.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("entry hashes are pinned, length-prefixed and cover every field") {
  AuditEntry e;
  e.seq = 1;
  e.at_ms = 1714564800123;
  e.event = "accepted";
  e.message_uuid = "5f0c2a3e-0000-4000-8000-000000000001";
  e.participant = "psw:1";
  e.detail = "queue=ars:02 sha256=ab";
  e.prev_hash = std::string(kAuditGenesisHash);
  // Recomputed independently (Python hashlib over the documented encoding): a change to the
  // encoding would fail every stored log, so it must fail here first.
  CHECK(entryHash(e) == "5796996cb1cfa98cd617592c2104b52c2a2b494b92b0d83d7c68b941cee4fb30");

  AuditEntry neg;
  neg.seq = 2;
  neg.at_ms = -5;
  neg.event = "delivered";
  neg.message_uuid = "u";
  neg.participant = "r";
  neg.detail = "d";
  neg.prev_hash = std::string(64, 'f');
  CHECK(entryHash(neg) == "e92512316e25bb6f72c07e69b85cc032f7f65cdaf9c7617677fb641469244d97");

  AuditEntry a = e, b = e;
  a.participant = "ab";
  a.detail = "c";
  b.participant = "a";
  b.detail = "bc";
  CHECK(entryHash(a) != entryHash(b));

  const std::string base = entryHash(e);
  auto differs = [&](auto change) {
    AuditEntry c = e;
    change(c);
    return entryHash(c) != base;
  };
  CHECK(differs([](AuditEntry& c) { c.seq = 2; }));
  CHECK(differs([](AuditEntry& c) { c.at_ms += 1; }));
  CHECK(differs([](AuditEntry& c) { c.event = "delivered"; }));
  CHECK(differs([](AuditEntry& c) { c.message_uuid += "x"; }));
  CHECK(differs([](AuditEntry& c) { c.participant = "psw:2"; }));
  CHECK(differs([](AuditEntry& c) { c.detail += " "; }));
  CHECK(differs([](AuditEntry& c) { c.prev_hash[63] = '1'; }));
  CHECK_FALSE(differs([](AuditEntry& c) { c.hash = "not covered"; }));
}

TEST_CASE("the chain links each entry to the one before") {
  AuditChain chain;
  const AuditEntry first = chain.append(1, "accepted", "u1", "psw:1", "d");
  const AuditEntry second = chain.append(2, "delivered", "u1", "hb:1", "d");
  CHECK(first.seq == 1);
  CHECK(first.prev_hash == kAuditGenesisHash);
  CHECK(first.hash == entryHash(first));
  CHECK(second.seq == 2);
  CHECK(second.prev_hash == first.hash);
  CHECK(chain.lastSeq() == 2);
  CHECK(chain.lastHash() == second.hash);
  CHECK_THROWS_AS(AuditChain(3, "abc"), std::invalid_argument);
  CHECK_THROWS_AS(AuditChain(3, std::string(64, 'G')), std::invalid_argument);
}

TEST_CASE("an untouched log verifies and reports its tip") {
  AuditDb a(10);
  const AuditVerdict v = a.verify();
  CHECK(v.ok);
  CHECK(v.problem.empty());
  CHECK(v.first_bad_seq == 0);
  CHECK(v.entries == 10);
  CHECK(v.last_seq == 10);
  CHECK(v.last_hash == a.chain.lastHash());

  AuditDb empty;
  const AuditVerdict e = empty.verify();
  CHECK(e.ok);
  CHECK(e.entries == 0);
  CHECK(e.last_seq == 0);
  CHECK(e.last_hash == kAuditGenesisHash);
}

TEST_CASE("a changed detail is found at its entry") {
  AuditDb a(10);
  a.exec("UPDATE audit SET detail = 'queue=elsewhere' WHERE seq = 4");
  const AuditVerdict v = a.verify();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 4);
  CHECK(v.entries == 3);
  CHECK(v.last_seq == 3);
  CHECK(mentions(v, "entry 4 was changed"));
}

TEST_CASE("a changed entry with a recomputed hash breaks the link to the next one") {
  AuditDb a(10);
  AuditEntry e = a.read(4);
  e.detail = "queue=elsewhere";
  e.hash = entryHash(e);
  a.put(4, e);
  const AuditVerdict v = a.verify();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 5);
  CHECK(mentions(v, "entry 5 does not follow entry 4"));
}

TEST_CASE("a fractional at_ms counts as a change, though it reads back as the old integer") {
  AuditDb a(10);
  const std::int64_t before = a.read(3).at_ms;
  a.exec("UPDATE audit SET at_ms = at_ms + 0.4 WHERE seq = 3");
  CHECK(a.read(3).at_ms == before);  // so the content hash alone would still match
  const AuditVerdict v = a.verify();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 3);
  CHECK(mentions(v, "entry 3 was changed"));
}

TEST_CASE("deleted middle entries are named") {
  AuditDb a(10);
  a.exec("DELETE FROM audit WHERE seq = 6");
  AuditVerdict v = a.verify();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 6);
  CHECK(mentions(v, "entry 6 is missing"));

  a.exec("DELETE FROM audit WHERE seq IN (7, 8)");
  v = a.verify();
  CHECK(v.first_bad_seq == 6);
  CHECK(mentions(v, "entries 6 to 8 are missing"));
}

TEST_CASE("deleted first entries are named") {
  AuditDb a(10);
  a.exec("DELETE FROM audit WHERE seq <= 4");
  const AuditVerdict v = a.verify();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 1);
  CHECK(v.entries == 0);
  CHECK(mentions(v, "entries before 5 were removed"));
}

TEST_CASE("swapped entries are found at the first of them") {
  AuditDb a(10);
  AuditEntry three = a.read(3);
  AuditEntry seven = a.read(7);
  std::swap(three.seq, seven.seq);  // each row keeps its seq, takes the other's content
  a.put(3, seven);
  a.put(7, three);
  const AuditVerdict v = a.verify();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 3);
  CHECK(mentions(v, "entry 3 was changed"));
}

TEST_CASE("a forged entry with its own hash right but the wrong link is found") {
  AuditEntry forged;
  forged.at_ms = 1714564800999;
  forged.event = audit_event::kDiscarded;
  forged.message_uuid = "uuid-5";
  forged.participant = "operator";
  forged.detail = "covering tracks";

  SUBCASE("in place of an entry") {
    AuditDb a(10);
    forged.seq = 5;
    forged.prev_hash = a.read(3).hash;
    forged.hash = entryHash(forged);
    a.put(5, forged);
    const AuditVerdict v = a.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad_seq == 5);
    CHECK(mentions(v, "entry 5 does not follow entry 4"));
  }
  SUBCASE("between two entries, the later ones renumbered") {
    AuditDb a(10);
    a.exec("UPDATE audit SET seq = -seq - 1 WHERE seq >= 6");
    a.exec("UPDATE audit SET seq = -seq WHERE seq < 0");
    forged.seq = 6;
    forged.prev_hash = std::string(64, 'a');
    forged.hash = entryHash(forged);
    insertAuditEntry(*a.insert, forged);
    const AuditVerdict v = a.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad_seq == 6);
    CHECK(mentions(v, "entry 6 does not follow entry 5"));
  }
  SUBCASE("after the last entry") {
    AuditDb a(10);
    forged.seq = 11;
    forged.prev_hash = a.read(9).hash;
    forged.hash = entryHash(forged);
    insertAuditEntry(*a.insert, forged);
    const AuditVerdict v = a.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad_seq == 11);
    CHECK(mentions(v, "entry 11 does not follow entry 10"));
  }
  SUBCASE("as entry 1") {
    AuditDb a(10);
    forged.seq = 1;
    forged.prev_hash = std::string(64, '1');
    forged.hash = entryHash(forged);
    a.put(1, forged);
    const AuditVerdict v = a.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad_seq == 1);
    CHECK(mentions(v, "entry 1 was replaced"));
  }
}

TEST_CASE("an entry with seq 0 before entry 1 is found") {
  AuditDb a(3);
  AuditEntry zero = a.read(1);
  zero.seq = 0;
  zero.hash = entryHash(zero);
  insertAuditEntry(*a.insert, zero);
  const AuditVerdict v = a.verify();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 1);
  CHECK(mentions(v, "seq 0 was inserted before entry 1"));
}

TEST_CASE("an anchor detects removed last entries, which the chain alone cannot") {
  AuditDb a(10);
  const AuditVerdict noted = a.verify();
  REQUIRE(noted.ok);
  const AuditTip anchor{noted.last_seq, noted.last_hash};
  CHECK(a.verify(anchor).ok);

  a.exec("DELETE FROM audit WHERE seq >= 9");
  CHECK(a.verify().ok);  // the honest limit: a shorter chain is still a chain
  const AuditVerdict v = a.verify(anchor);
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 9);
  CHECK(v.entries == 8);
  CHECK(mentions(v, "entries 9 to 10 were removed"));

  a.exec("DELETE FROM audit WHERE seq = 8");
  const AuditVerdict one = a.verify(AuditTip{8, noted.last_hash});
  CHECK(one.first_bad_seq == 8);
  CHECK(mentions(one, "entry 8 was removed"));
}

TEST_CASE("an anchor detects a log rewritten with recomputed hashes") {
  AuditDb a(10);
  const AuditTip anchor{7, a.read(7).hash};
  // The log keeps growing after the anchor was noted; that is fine.
  a.add(11);
  CHECK(a.verify(anchor).ok);

  // Rewrite entry 3 and re-chain everything after it: the chain verifies again.
  AuditChain rewriter(2, a.read(2).hash);
  std::vector<AuditEntry> rewritten;
  for (std::uint64_t seq = 3; seq <= 11; ++seq) {
    const AuditEntry old = a.read(seq);
    rewritten.push_back(rewriter.append(old.at_ms, old.event, old.message_uuid, old.participant,
                                        seq == 3 ? std::string("queue=rewritten") : old.detail));
  }
  for (const auto& e : rewritten) a.put(e.seq, e);
  CHECK(a.verify().ok);
  const AuditVerdict v = a.verify(anchor);
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 7);
  CHECK(mentions(v, "entry 7 differs from the anchor"));
}

TEST_CASE("rollback restores the chain tip after a failed transaction") {
  AuditDb a(3);
  a.exec("CREATE TABLE messages(x NOT NULL)");
  const AuditChain::Mark mark = a.chain.mark();
  a.exec("BEGIN IMMEDIATE");
  a.add(4);
  a.add(5);
  CHECK_THROWS_AS(a.exec("INSERT INTO messages(x) VALUES(NULL)"), sqlite::Error);
  a.exec("ROLLBACK");
  CHECK(a.chain.lastSeq() == 5);  // appended, but not in the database
  a.chain.rollback(mark);
  const AuditTip tip = loadAuditTip(a.db.get());
  CHECK(tip.seq == 3);
  CHECK(a.chain.lastSeq() == tip.seq);
  CHECK(a.chain.lastHash() == tip.hash);

  a.exec("BEGIN IMMEDIATE");
  const AuditEntry next = a.add(4);
  a.exec("INSERT INTO messages(x) VALUES(1)");
  a.exec("COMMIT");
  CHECK(next.seq == 4);
  CHECK(next.prev_hash == tip.hash);
  const AuditVerdict v = a.verify();
  CHECK(v.ok);
  CHECK(v.entries == 4);
}

TEST_CASE("a chain resumed from the loaded tip continues the log") {
  AuditDb a;
  const AuditTip empty = loadAuditTip(a.db.get());
  CHECK(empty.seq == 0);
  CHECK(empty.hash == kAuditGenesisHash);
  for (int i = 1; i <= 5; ++i) a.add(i);

  const AuditTip tip = loadAuditTip(a.db.get());
  CHECK(tip.seq == 5);
  CHECK(tip.hash == a.chain.lastHash());
  a.chain = AuditChain(tip.seq, tip.hash);  // as after a restart
  a.add(6);
  const AuditVerdict v = a.verify();
  CHECK(v.ok);
  CHECK(v.entries == 6);

  // A taken seq fails the insert (and so the transaction) instead of forking the chain.
  AuditChain stale(4, a.read(4).hash);
  CHECK_THROWS_AS(insertAuditEntry(*a.insert, stale.append(9, "accepted", "u", "p", "d")),
                  sqlite::Error);
}

TEST_CASE("entries are read in seq order, by message and from the end") {
  AuditDb a(10);
  std::vector<std::uint64_t> seqs;
  auto collect = [&](const AuditEntry& e) { seqs.push_back(e.seq); };
  readAuditEntries(a.db.get(), std::nullopt, 3, collect);
  CHECK(seqs == std::vector<std::uint64_t>{8, 9, 10});

  seqs.clear();
  readAuditEntries(a.db.get(), std::string("uuid-4"), std::nullopt, collect);
  CHECK(seqs == std::vector<std::uint64_t>{4});

  seqs.clear();
  readAuditEntries(a.db.get(), std::nullopt, std::nullopt, collect);
  CHECK(seqs.size() == 10);
  CHECK(seqs.front() == 1);
  CHECK(seqs.back() == 10);
}

TEST_CASE("verifyChain pulls from any source and rejects out-of-order entries") {
  AuditChain chain;
  std::vector<AuditEntry> entries;
  for (int i = 0; i < 4; ++i) entries.push_back(chain.append(i, "accepted", "u", "p", "d"));
  auto from = [](const std::vector<AuditEntry>& v) {
    return [&v, i = std::size_t{0}](AuditEntry& out) mutable {
      if (i == v.size()) return false;
      out = v[i++];
      return true;
    };
  };
  const AuditVerdict ok = verifyChain(from(entries));
  CHECK(ok.ok);
  CHECK(ok.entries == 4);

  std::vector<AuditEntry> repeated = entries;
  repeated.insert(repeated.begin() + 3, entries[1]);
  const AuditVerdict v = verifyChain(from(repeated));
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 2);
  CHECK(mentions(v, "entry 2 appears again or out of order after entry 3"));
}
