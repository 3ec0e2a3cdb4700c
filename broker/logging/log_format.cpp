#include "broker/logging/log_format.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <string_view>

#include "broker/monitoring/json.h"

namespace ozgbus::broker {
namespace {

std::string_view textOf(const spdlog::details::log_msg& msg) {
  return {msg.payload.data(), msg.payload.size()};
}

// Human format: text a client chose (a NACK's detail, a participant id) must not start a line
// of its own, which would let it forge one, nor send control sequences to a terminal. Control
// characters and the backslash are escaped, so an escape cannot be mistaken for one.
class OneLine final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : textOf(msg)) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '\\') {
        dest.append(std::string_view("\\\\"));
      } else if (c == '\n') {
        dest.append(std::string_view("\\n"));
      } else if (c == '\r') {
        dest.append(std::string_view("\\r"));
      } else if (c == '\t') {
        dest.push_back(c);
      } else if (u < 0x20 || u == 0x7f) {
        const char esc[] = {'\\', 'x', kHex[u >> 4], kHex[u & 15]};
        dest.append(esc, esc + 4);
      } else {
        dest.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<OneLine>();
  }
};

// JSON format: the text as a JSON string (a quote or newline in it would break the line).
class JsonText final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    Json j;
    j.value(textOf(msg));
    dest.append(std::string_view(j.str()));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonText>();
  }
};

bool isUuidAt(std::string_view s, std::size_t at) {
  if (s.size() < at + 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    const char c = s[at + i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// JSON format: ,"message_uuid":"…" when the line is about one message. Every such line says
// "message <uuid>" before any text a client chose (tests/integration/logging_test.cpp holds the
// broker to it), so log collectors can select a message's lines by field. Only the first
// "message " counts: a UUID inside a client's text must not become the field.
class JsonMessageUuid final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string_view text = textOf(msg);
    const auto at = text.find("message ");
    if (at == std::string_view::npos || !isUuidAt(text, at + 8)) return;
    dest.append(std::string_view(",\"message_uuid\":\""));
    dest.append(text.substr(at + 8, 36));
    dest.push_back('"');
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageUuid>();
  }
};

}  // namespace

void setUpLogging(const std::string& format, const std::string& level) {
  auto logger = spdlog::stderr_color_mt("ozgbus");
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (format == "json") {
    formatter->add_flag<JsonText>('*').add_flag<JsonMessageUuid>('U').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l"%U,"msg":%*})");
  } else {
    formatter->add_flag<OneLine>('*').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %*");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace ozgbus::broker
