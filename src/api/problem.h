// Responses of the API: JSON bodies and RFC 9457 problem details with located errors.
#pragma once

#include "api/http/server.h"
#include "core/errors.h"
#include "core/json_writer.h"
#include "core/result.h"

namespace fidelis::api {

// The HTTP status an error code answers with (CONTRACT.md "HTTP": refusals the caller can fix
// are 409, malformed or invalid input 422, absent resources 404).
int status_for(core::ErrorCode code);

// A problem+json response for `errors` (all listed, each with pointer, code and message).
http::Response problem(int status, const core::Errors& errors);
inline http::Response problem(const core::Errors& errors) {
  return problem(status_for(errors.front().code), errors);
}
inline http::Response problem(core::ErrorCode code, std::string message, std::string where = "") {
  return problem({core::make_error(code, std::move(message), std::move(where))});
}

http::Response json(int status, std::string body);

// `[{"pointer", "code", "message"}, …]`.
void write_errors(core::JsonWriter& out, const core::Errors& errors);

}  // namespace fidelis::api
