#include "broker/security/submit_limiter.h"

#include <doctest/doctest.h>

using namespace ozgbus;
using broker::SubmitLimiter;

TEST_CASE("a participant may spend its burst, then its rate; others are not affected") {
  SubmitLimiter limiter({10, 3, 100});
  const auto t0 = SubmitLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) CHECK_FALSE(limiter.admit("flood", "c1", t0));
  auto r = limiter.admit("flood", "c1", t0);
  REQUIRE(r);
  CHECK(r->reason == v1::RATE_LIMITED);
  CHECK(r->detail.find("retry in 100 ms") != std::string::npos);
  CHECK_FALSE(limiter.admit("quiet", "c2", t0));                                   // its own bucket
  CHECK_FALSE(limiter.admit("flood", "c1", t0 + std::chrono::milliseconds(100)));  // one token back
}

TEST_CASE("a connection may have only so many submissions in progress") {
  SubmitLimiter limiter({1000, 1000, 2});
  const auto t0 = SubmitLimiter::Clock::now();
  CHECK_FALSE(limiter.admit("p", "c", t0));
  CHECK_FALSE(limiter.admit("p", "c", t0));
  auto r = limiter.admit("p", "c", t0);
  REQUIRE(r);
  CHECK(r->detail.find("2 submissions in progress") != std::string::npos);
  limiter.answered("c");
  CHECK_FALSE(limiter.admit("p", "c", t0));
}
