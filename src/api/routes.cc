#include "api/routes.h"

#include "api/problem.h"
#include "core/digest.h"
#include "core/json_writer.h"
#include "engine/views.h"

namespace fidelis::api {
namespace {

using core::ErrorCode;

// "/v1/members/m%2F1" -> {"v1", "members", "m/1"}; nothing when an escape is malformed.
std::optional<std::vector<std::string>> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    std::string segment;
    for (std::size_t i = start; i < end; ++i) {
      if (path[i] != '%') {
        segment += path[i];
        continue;
      }
      if (i + 2 >= end) return std::nullopt;
      const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int high = hex(path[i + 1]), low = hex(path[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      segment += static_cast<char>(high * 16 + low);
      i += 2;
    }
    segments.push_back(std::move(segment));
    start = end + 1;
  }
  return segments;
}

struct Key {
  std::string shop;
  std::string scope;
};

std::variant<Key, http::Response> authenticate(Context& context, const http::Request& request) {
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view header = request.authorization;
  if (!header.starts_with(kBearer) || header.size() == kBearer.size()) {
    auto response = problem(ErrorCode::unauthorized, "send an API key: Authorization: Bearer KEY",
                            "Authorization");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  auto found = context.store.key_by_hash(core::sha256_hex(header.substr(kBearer.size())));
  if (!found.ok()) return problem(found.errors());
  if (!*found || (*found)->revoked_at) {
    auto response =
        problem(ErrorCode::unauthorized, "the API key is unknown or revoked", "Authorization");
    response.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return response;
  }
  return Key{(*found)->shop, (*found)->scope};
}

http::Response forbidden(const Key& key, std::string_view what) {
  return problem(ErrorCode::forbidden, "a " + key.scope + " key cannot " + std::string(what),
                 "Authorization");
}

http::Response method_not_allowed(std::string_view allow) {
  auto response =
      problem(ErrorCode::method_not_allowed, "this route accepts " + std::string(allow));
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

http::Response get_member(Context& context, const Key& key, const std::string& member) {
  auto state = context.engine.member(key.shop, member);
  if (!state.ok()) return problem(state.errors());
  // Another shop's member answers exactly as an absent one.
  if (!*state) {
    return problem(ErrorCode::member_not_found, "no member \"" + member + "\" in this shop",
                   "/member");
  }
  auto program = context.engine.program_in_force(key.shop, (*state)->clock);
  if (!program.ok()) return problem(program.errors());
  auto code = context.engine.referral_code(key.shop, member);
  if (!code.ok()) return problem(code.errors());
  core::JsonWriter out;
  engine::write_member_json(out, key.shop, **state, *program, *code);
  return json(200, out.take());
}

}  // namespace

std::variant<http::Response, PendingEvent> route(Context& context, http::Request& request) {
  const auto segments = split_path(request.path);
  if (!segments || segments->empty() || (*segments)[0] != "v1") {
    return problem(ErrorCode::route_not_found, "no route " + request.path);
  }
  const auto& parts = *segments;
  const bool is_events = parts.size() == 2 && parts[1] == "events";
  const bool is_member = parts.size() == 3 && parts[1] == "members" && !parts[2].empty();
  if (!is_events && !is_member)
    return problem(ErrorCode::route_not_found, "no route " + request.path);
  if (is_events && request.method != "POST") return method_not_allowed("POST");
  if (is_member && request.method != "GET") return method_not_allowed("GET");

  auto authenticated = authenticate(context, request);
  if (auto* response = std::get_if<http::Response>(&authenticated)) return std::move(*response);
  const Key& key = std::get<Key>(authenticated);
  if (key.scope == "storefront") {
    return forbidden(key, is_events ? "post events" : "read a member without a member token");
  }
  if (is_events) return PendingEvent{key.shop, std::move(request.body), {}};  // key's shop only
  return get_member(context, key, parts[2]);
}

http::Response event_response(const engine::SubmitResult& result) {
  if (result.outcome == engine::Outcome::accepted || result.outcome == engine::Outcome::duplicate) {
    core::JsonWriter out;
    out.begin_object().key("id").value(result.event_id);
    out.key("outcome").value(engine::outcome_name(result.outcome)).end_object();
    return json(result.outcome == engine::Outcome::accepted ? 201 : 200, out.take());
  }
  return problem(result.errors);
}

}  // namespace fidelis::api
