#include "broker/audit/audit_chain.h"

#include <openssl/sha.h>

#include <cassert>
#include <stdexcept>
#include <utility>

namespace ozgbus::broker {
namespace {

void putU64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xffU));
  }
}

void putField(std::string& out, std::string_view s) {
  putU64(out, s.size());
  out.append(s);
}

bool isHash(std::string_view h) {
  if (h.size() != 64) return false;
  for (const char c : h) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string entriesText(std::uint64_t from, std::uint64_t to, const char* one, const char* many) {
  return from == to ? "entry " + std::to_string(from) + one
                    : "entries " + std::to_string(from) + " to " + std::to_string(to) + many;
}

}  // namespace

std::string canonicalEncoding(const AuditEntry& e) {
  std::string out;
  out.reserve(64 + 6 * 8 + e.event.size() + e.message_uuid.size() + e.participant.size() +
              e.detail.size() + e.prev_hash.size());
  putField(out, "ozgbus-audit-v1");
  putU64(out, e.seq);
  putU64(out, static_cast<std::uint64_t>(e.at_ms));
  putField(out, e.event);
  putField(out, e.message_uuid);
  putField(out, e.participant);
  putField(out, e.detail);
  putField(out, e.prev_hash);
  return out;
}

std::string entryHash(const AuditEntry& e) {
  const std::string bytes = canonicalEncoding(e);
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * SHA256_DIGEST_LENGTH, '0');
  for (std::size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    hex[2 * i] = kHex[d[i] >> 4];
    hex[2 * i + 1] = kHex[d[i] & 0x0f];
  }
  return hex;
}

AuditChain::AuditChain(std::uint64_t last_seq, std::string last_hash)
    : last_seq_(last_seq), last_hash_(std::move(last_hash)) {
  if (!isHash(last_hash_)) {
    throw std::invalid_argument("audit chain tip: not a hex SHA-256: \"" + last_hash_ + "\"");
  }
}

AuditEntry AuditChain::append(std::int64_t at_ms, std::string event, std::string uuid,
                              std::string participant, std::string detail) {
  AuditEntry e;
  e.seq = last_seq_ + 1;
  e.at_ms = at_ms;
  e.event = std::move(event);
  e.message_uuid = std::move(uuid);
  e.participant = std::move(participant);
  e.detail = std::move(detail);
  e.prev_hash = last_hash_;
  e.hash = entryHash(e);
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  return e;
}

void AuditChain::rollback(Mark m) {
  assert(m.seq <= last_seq_ && "rollback to a mark from the future");
  last_seq_ = m.seq;
  last_hash_ = std::move(m.hash);
}

AuditVerdict verifyChain(const AuditSource& next, const std::optional<AuditTip>& anchor) {
  AuditVerdict v;
  auto fail = [&v](std::uint64_t seq, std::string problem) {
    v.ok = false;
    v.first_bad_seq = seq;
    v.problem = std::move(problem);
    return v;
  };
  const bool anchored = anchor.has_value() && anchor->seq > 0;

  AuditEntry e;
  while (next(e)) {
    const std::string s = std::to_string(e.seq);
    const std::uint64_t expected = v.last_seq + 1;
    if (e.seq < expected) {
      // Not possible from the SQLite table (seq is its primary key, read in order); seq 0 is.
      if (e.seq == 0) return fail(1, "an entry with seq 0 was inserted before entry 1");
      return fail(e.seq, "entry " + s + " appears again or out of order after entry " +
                             std::to_string(v.last_seq));
    }
    if (e.seq > expected) {
      if (v.entries == 0) {
        return fail(
            1, "entries before " + s + " were removed (the log starts at " + s + ", not at 1)");
      }
      return fail(expected, entriesText(expected, e.seq - 1, " is missing", " are missing") +
                                " (the log jumps from entry " + std::to_string(v.last_seq) +
                                " to entry " + s + ")");
    }
    const std::string computed = entryHash(e);
    if (computed != e.hash) {
      return fail(e.seq, "entry " + s + " was changed: its content hashes to " + computed +
                             ", but its stored hash is " + e.hash);
    }
    if (e.prev_hash != v.last_hash) {
      if (e.seq == 1) {
        return fail(1, "entry 1 was replaced: its prev_hash is " + e.prev_hash +
                           ", not the 64 zeros that start the chain");
      }
      const std::string p = std::to_string(v.last_seq);
      return fail(e.seq, "entry " + s + " does not follow entry " + p + ": its prev_hash " +
                             e.prev_hash + " is not entry " + p + "'s hash " + v.last_hash +
                             " (entry " + s + " was inserted or replaced, or entry " + p +
                             " was rewritten with a recomputed hash)");
    }
    if (anchored && e.seq == anchor->seq && e.hash != anchor->hash) {
      return fail(e.seq, "entry " + s + " differs from the anchor: its hash is " + e.hash +
                             ", the anchor says " + anchor->hash +
                             " (the log was rewritten at or before entry " + s + ")");
    }
    ++v.entries;
    v.last_seq = e.seq;
    v.last_hash = std::move(e.hash);
  }
  if (anchored && v.last_seq < anchor->seq) {
    return fail(v.last_seq + 1,
                "the log ends at entry " + std::to_string(v.last_seq) +
                    ", but the anchor names entry " + std::to_string(anchor->seq) + ": " +
                    entriesText(v.last_seq + 1, anchor->seq, " was removed", " were removed"));
  }
  return v;
}

}  // namespace ozgbus::broker
