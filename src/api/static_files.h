// The dashboard and the widget: the front end's built files (web/, built by CMake into
// build/web), read once when the server starts and answered from memory on the HTTP threads.
// Only files that were there at start are served, so no request path can reach outside the
// directory.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "api/http/server.h"
#include "core/result.h"

namespace fidelis::api {

class StaticFiles {
 public:
  // Every regular file under `root`, by its path from there ("/dashboard/index.html").
  // Error: io_error naming the directory when it cannot be read.
  static core::Result<StaticFiles> load(const std::string& root);

  // The answer to a GET or HEAD of `path`: "/" redirects to the dashboard, a directory's path
  // ("/widget/") is its index.html; nothing when no file has that path.
  std::optional<http::Response> answer(const std::string& path) const;
  std::size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, File, std::less<>> files_;
};

// The front end's directory next to the running binary (BIN/../web), where the build puts it.
std::string default_web_root();

}  // namespace fidelis::api
