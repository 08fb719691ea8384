// Result<T>: a value or the errors that prevented it. Every fallible function returns one.
// Errors carry a code (errors.h), a readable message, and where the problem is (a JSON pointer,
// a file:line, a field or rule id).
#pragma once

#include <cstdlib>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/assert.h"
#include "core/errors.h"

namespace fidelis::core {

struct Error {
  ErrorCode code;
  std::string message;
  std::string where;  // JSON pointer ("/data/lines/0/quantity"), "file:line", or empty

  bool operator==(const Error&) const = default;
};

// A non-empty list of errors; validators report every problem they find, not only the first.
using Errors = std::vector<Error>;

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Error error) : state_(Errors{std::move(error)}) {}  // NOLINT
  Result(Errors errors) : state_(std::move(errors)) {        // NOLINT
    FIDELIS_ASSERT(!std::get<Errors>(state_).empty());
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    FIDELIS_ASSERT(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    FIDELIS_ASSERT(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    FIDELIS_ASSERT(ok());
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Errors& errors() const {
    FIDELIS_ASSERT(!ok());
    return std::get<Errors>(state_);
  }
  Errors&& take_errors() {
    FIDELIS_ASSERT(!ok());
    return std::get<Errors>(std::move(state_));
  }
  const Error& error() const { return errors().front(); }

 private:
  std::variant<T, Errors> state_;
};

// Result<void> equivalent.
struct Ok {
  bool operator==(const Ok&) const = default;
};
using Status = Result<Ok>;

inline Error make_error(ErrorCode code, std::string message, std::string where = {}) {
  return Error{code, std::move(message), std::move(where)};
}

}  // namespace fidelis::core

// Propagates the errors of a Result-returning expression, or binds its value.
#define FIDELIS_TRY_CONCAT_(a, b) a##b
#define FIDELIS_TRY_NAME_(line) FIDELIS_TRY_CONCAT_(fidelis_try_, line)
#define FIDELIS_TRY(decl, expr)                                                            \
  auto FIDELIS_TRY_NAME_(__LINE__) = (expr);                                               \
  if (!FIDELIS_TRY_NAME_(__LINE__).ok()) return FIDELIS_TRY_NAME_(__LINE__).take_errors(); \
  decl = std::move(FIDELIS_TRY_NAME_(__LINE__)).value()
#define FIDELIS_CHECK(expr)                                                      \
  do {                                                                           \
    auto fidelis_check_result_ = (expr);                                         \
    if (!fidelis_check_result_.ok()) return fidelis_check_result_.take_errors(); \
  } while (false)
