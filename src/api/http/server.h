// A small HTTP/1.1 server (Boost.Beast, decision 0014) behind a plain interface, so that only
// server.cc pays Beast's compile time. Requests go to one handler, which answers through
// `respond` — at once or later, from any thread (the API answers event posts once their batch is
// durable).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace fidelis::http {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string path;    // "/v1/members/m1", percent-decoding left to the router
  std::string query;   // after '?', without it
  std::string body;
  std::string authorization;
  std::string idempotency_key;
  std::string member_token;  // X-Member-Token (storefront keys)
  std::string content_type;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// Call exactly once.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&&, Respond)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see Server::port)
  int threads = 2;
  std::size_t body_limit = 1 << 20;     // larger bodies: 413
  std::size_t header_limit = 16 << 10;  // larger headers: 431
  std::chrono::seconds timeout{30};     // to read a request, or idle between requests
  bool access_log = true;               // one JSON line per request on stderr
};

class Server {
 public:
  virtual ~Server() = default;
  // Binds and starts serving on its own threads.
  static core::Result<std::unique_ptr<Server>> start(const ServerOptions& options, Handler handler);
  virtual unsigned short port() const = 0;
  // Graceful stop: no new connections; requests being handled get their response (their
  // connection then closes); idle connections close. Returns when every thread has ended.
  virtual void stop() = 0;
};

}  // namespace fidelis::http
