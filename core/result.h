// Rejection and Result: how a step reports what a user's input did wrong, as a value.
// A Rejection carries the wire protocol's reason code (defined once, in proto/ozgbus.proto) and
// a human detail naming the element, line or certificate. Plain values: safe to copy between
// threads; no method touches shared state.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "ozgbus.pb.h"

namespace ozgbus {

using ReasonCode = v1::ReasonCode;

struct Rejection {
  ReasonCode reason = v1::INTERNAL;
  std::string detail;

  // "XML_MALFORMED: line 3: ..." — the form used in logs and CLI output.
  std::string toString() const { return v1::ReasonCode_Name(reason) + ": " + detail; }
};

inline std::string reasonName(ReasonCode code) { return v1::ReasonCode_Name(code); }

// Either a T or the Rejection that prevented it.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}                  // NOLINT: implicit by design
  Result(Rejection rejection) : v_(std::move(rejection)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Rejection& rejection() const { return std::get<1>(v_); }

 private:
  std::variant<T, Rejection> v_;
};

inline Rejection reject(ReasonCode reason, std::string detail) {
  return Rejection{reason, std::move(detail)};
}

}  // namespace ozgbus
