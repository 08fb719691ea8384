// Routing and the handlers of the API's routes, run on the worker thread.
#pragma once

#include <string>
#include <variant>

#include "api/http/server.h"
#include "engine/engine.h"
#include "store/store.h"

namespace fidelis::api {

struct Context {
  engine::Engine& engine;
  store::Store& store;
};

// An event post to apply in the worker's next batch, for the key's shop.
struct PendingEvent {
  std::string shop;
  std::string body;
  http::Respond respond;
};

// Authenticates and routes a request: a response now, or an event post for the batch.
std::variant<http::Response, PendingEvent> route(Context& context, http::Request& request);

// The answer to an event post once its batch is durable.
http::Response event_response(const engine::SubmitResult& result);

}  // namespace fidelis::api
