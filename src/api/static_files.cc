#include "api/static_files.h"

#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fidelis::api {
namespace {

namespace fs = std::filesystem;

std::string content_type_of(const fs::path& path) {
  static const std::map<std::string, std::string, std::less<>> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const auto it = types.find(path.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

}  // namespace

core::Result<StaticFiles> StaticFiles::load(const std::string& root) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return core::make_error(core::ErrorCode::io_error,
                            root +
                                " is not a directory: the dashboard's files are built there by "
                                "`cmake --build` (or give --web DIR)");
  }
  StaticFiles files;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) {
      return core::make_error(core::ErrorCode::io_error, "cannot read " + it->path().string());
    }
    const std::string relative = "/" + fs::relative(it->path(), root).generic_string();
    files.files_[relative] = {content_type_of(it->path()), std::move(body).str()};
  }
  if (error) {
    return core::make_error(core::ErrorCode::io_error,
                            "cannot list " + root + ": " + error.message());
  }
  return files;
}

std::optional<http::Response> StaticFiles::answer(const std::string& path) const {
  if (path == "/") {
    http::Response redirect;
    redirect.status = 302;
    redirect.content_type = "text/plain; charset=utf-8";
    redirect.body = "see /dashboard/\n";
    redirect.headers.emplace_back("Location", "/dashboard/");
    return redirect;
  }
  const std::string wanted = path.ends_with('/') ? path + "index.html" : path;
  const auto it = files_.find(wanted);
  if (it == files_.end()) return std::nullopt;
  http::Response response;
  response.content_type = it->second.content_type;
  response.body = it->second.body;
  // Pages are small and change with the binary: always revalidate (no stale dashboard after an
  // upgrade); the security headers keep the pages from being framed or sniffed.
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (wanted.starts_with("/dashboard/")) response.headers.emplace_back("X-Frame-Options", "DENY");
  return response;
}

std::string default_web_root() {
  std::array<char, 4096> buffer{};
  const ssize_t length = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (length <= 0) return "web";
  return (fs::path(std::string(buffer.data(), static_cast<std::size_t>(length))).parent_path() /
          ".." / "web")
      .lexically_normal()
      .string();
}

}  // namespace fidelis::api
