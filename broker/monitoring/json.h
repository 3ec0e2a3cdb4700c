// Json: a small writer for the admin API's answers. Only what the API needs: objects, arrays,
// strings (escaped per RFC 8259), integers, booleans and null; the caller nests correctly.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ozgbus::broker {

class Json {
 public:
  Json& beginObject() { return open('{'); }
  Json& endObject() { return close('}'); }
  Json& beginArray() { return open('['); }
  Json& endArray() { return close(']'); }
  Json& key(std::string_view k) {
    comma();
    string(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  Json& value(std::string_view s) {
    comma();
    string(s);
    return *this;
  }
  Json& value(const char* s) { return value(std::string_view(s)); }
  Json& value(const std::string& s) { return value(std::string_view(s)); }
  Json& value(std::int64_t n) {
    comma();
    out_ += std::to_string(n);
    return *this;
  }
  Json& value(std::uint64_t n) {
    comma();
    out_ += std::to_string(n);
    return *this;
  }
  Json& value(std::uint32_t n) { return value(static_cast<std::uint64_t>(n)); }
  Json& value(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return *this;
  }
  Json& null() {
    comma();
    out_ += "null";
    return *this;
  }
  const std::string& str() const { return out_; }

  static std::string object(std::string_view k, std::string_view v) {
    Json j;
    j.beginObject().key(k).value(v).endObject();
    return j.str();
  }

 private:
  Json& open(char c) {
    comma();
    out_ += c;
    first_ = true;
    return *this;
  }
  Json& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  void comma() {
    if (after_key_) {
      after_key_ = false;
    } else if (!first_) {
      out_ += ',';
    }
    first_ = false;
  }
  void string(std::string_view s) {
    out_ += '"';
    for (const char c : s) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out_ += buf;
          } else {
            out_ += c;
          }
      }
    }
    out_ += '"';
  }

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace ozgbus::broker
