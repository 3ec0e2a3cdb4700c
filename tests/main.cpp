// The test binaries' main. With --ozgbus-exactly-one-case (every ctest entry passes it, see
// tests/cmake/discover_doctest_cases.cmake) a run that executed no case, or more than one, fails:
// a filter that matches nothing must never be reported as a pass.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "core/dsig/xmlsec.h"
#include "core/xml/xml_init.h"

namespace {

int g_cases_started = 0;

struct CaseCounter : doctest::IReporter {
  explicit CaseCounter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { ++g_cases_started; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

DOCTEST_REGISTER_LISTENER("ozgbus_case_counter", 1, CaseCounter);

int main(int argc, char** argv) {
  bool exactly_one = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--ozgbus-exactly-one-case") == 0) {
      exactly_one = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  ozgbus::xml::initXml();
  ozgbus::dsig::initDsig();
  doctest::Context context(static_cast<int>(args.size()), args.data());
  const int rc = context.run();
  if (context.shouldExit()) return rc;
  if (exactly_one && g_cases_started != 1) {
    std::fprintf(stderr,
                 "ozgbus test main: this entry ran %d test cases, expected exactly 1 "
                 "(a filter that matches nothing or several cases)\n",
                 g_cases_started);
    return 1;
  }
  return rc;
}
