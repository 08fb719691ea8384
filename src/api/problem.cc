#include "api/problem.h"

#include "core/json_writer.h"

namespace fidelis::api {

int status_for(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::unauthorized:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::route_not_found:
    case ErrorCode::member_not_found:
    case ErrorCode::reward_not_found:
    case ErrorCode::code_not_found:
    case ErrorCode::shop_not_found:
    case ErrorCode::key_not_found:
      return 404;
    case ErrorCode::method_not_allowed:
      return 405;
    case ErrorCode::event_id_reused_with_other_body:
    case ErrorCode::insufficient_points:
    case ErrorCode::insufficient_credit:
    case ErrorCode::reward_out_of_stock:
    case ErrorCode::reward_limit_reached:
    case ErrorCode::reward_not_eligible:
    case ErrorCode::code_already_used:
    case ErrorCode::code_cancelled:
    case ErrorCode::code_expired:
      return 409;
    case ErrorCode::body_too_large:
      return 413;
    case ErrorCode::rate_limited:
      return 429;
    case ErrorCode::unavailable:
    case ErrorCode::storage_error:
    case ErrorCode::io_error:
      return 503;
    default:
      return 422;
  }
}

http::Response problem(int status, const core::Errors& errors) {
  core::JsonWriter out;
  const core::ErrorCode first = errors.empty() ? core::ErrorCode::unavailable : errors.front().code;
  out.begin_object();
  out.key("type").value("https://fidelis.invalid/errors/" +
                        std::string(core::error_code_name(first)));
  out.key("title").value(core::error_code_doc(first));
  out.key("status").value(status);
  out.key("detail").value(errors.empty() ? "" : errors.front().message);
  out.key("errors");
  write_errors(out, errors);
  out.end_object();
  http::Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = out.take();
  return response;
}

void write_errors(core::JsonWriter& out, const core::Errors& errors) {
  out.begin_array();
  for (const auto& error : errors) {
    out.begin_object().key("pointer").value(error.where);
    out.key("code").value(core::error_code_name(error.code));
    out.key("message").value(error.message).end_object();
  }
  out.end_array();
}

http::Response json(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

}  // namespace fidelis::api
