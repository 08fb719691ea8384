// Names and descriptions of the error codes declared in errors.h.
#include "core/errors.h"

#include <array>

namespace fidelis::core {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  std::string_view doc;
};

constexpr std::array kCodes = {
#define FIDELIS_ERROR_INFO(code, doc) CodeInfo{ErrorCode::code, #code, doc},
    FIDELIS_ERROR_CODES(FIDELIS_ERROR_INFO)
#undef FIDELIS_ERROR_INFO
};

constexpr std::array kCodeList = [] {
  std::array<ErrorCode, kCodes.size()> list{};
  for (std::size_t i = 0; i < kCodes.size(); ++i) list[i] = kCodes[i].code;
  return list;
}();

}  // namespace

std::string_view error_code_name(ErrorCode code) {
  return kCodes[static_cast<std::size_t>(code)].name;
}

std::string_view error_code_doc(ErrorCode code) {
  return kCodes[static_cast<std::size_t>(code)].doc;
}

std::span<const ErrorCode> all_error_codes() { return kCodeList; }

}  // namespace fidelis::core
