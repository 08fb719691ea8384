// The HTTP API (docs/reference/http.md): authentication by API key, routing, and one worker
// thread that owns the engine. Event posts that arrive together are applied in one batch and
// answered only once that batch is durable (group commit); reads are answered from committed
// state.
#pragma once

#include <memory>
#include <string>

#include "api/http/server.h"
#include "core/result.h"

namespace fidelis::api {

struct ApiOptions {
  std::string db_path;
  std::size_t batch_max = 1000;  // event posts applied in one transaction at most
  // The dashboard's and widget's built files (static_files.h); empty: no front end served.
  std::string web_root;
};

class Api {
 public:
  virtual ~Api() = default;
  // Opens the database and starts the worker.
  static core::Result<std::unique_ptr<Api>> open(const ApiOptions& options);
  // The http::Handler: answers through `respond`, possibly from the worker thread.
  virtual void handle(http::Request&& request, http::Respond respond) = 0;
  // Answers what is queued, then stops the worker. Later requests get 503.
  virtual void stop() = 0;
  virtual bool ready() const = 0;
};

}  // namespace fidelis::api
