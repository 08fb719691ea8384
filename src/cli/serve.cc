// `fidelis serve [--listen HOST:PORT] [--threads N] [--web DIR] [--quiet]` (--quiet: no access
// log): the HTTP API, the dashboard and the widget on the --db database until SIGTERM or SIGINT,
// then a graceful stop (requests in flight are answered; nothing acknowledged is lost: an event
// is acknowledged only once durable).
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <future>

#include "api/api.h"
#include "api/static_files.h"
#include "cli/commands.h"

namespace fidelis::cli {

core::Result<ServeOptions> serve_options(const Args& args) {
  ServeOptions serve;
  const std::string listen = args.option("listen").value_or("127.0.0.1:8080");
  const auto colon = listen.rfind(':');
  const std::string port_text = colon == std::string::npos ? "" : listen.substr(colon + 1);
  char* end = nullptr;
  const unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
  const unsigned long threads =
      std::strtoul(args.option("threads").value_or("2").c_str(), nullptr, 10);
  if (port_text.empty() || *end != '\0' || port > 65535 || threads < 1 || threads > 64) {
    return core::make_error(core::ErrorCode::usage,
                            "--listen is HOST:PORT (PORT 0-65535, 0 for any free one); "
                            "--threads 1-64");
  }
  serve.http.address = listen.substr(0, colon);
  serve.http.port = static_cast<unsigned short>(port);
  serve.http.threads = static_cast<int>(threads);
  serve.http.access_log = !args.flag("quiet");
  if (const auto web = args.option("web")) {
    serve.web_root = *web;  // asked for: missing files are an error
  } else if (std::error_code error; std::filesystem::is_directory(api::default_web_root(), error)) {
    serve.web_root = api::default_web_root();
  } else {
    std::fprintf(stderr,
                 "fidelis: no dashboard files in %s (build them, or give --web DIR): "
                 "serving the API only\n",
                 api::default_web_root().c_str());
  }
  return serve;
}

int serve_until_signal(const std::string& db, const ServeOptions& serve,
                       const std::function<void(const std::string& base_url)>& on_ready) {
  // Signals are taken synchronously below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto api = api::Api::open({.db_path = db, .web_root = serve.web_root});
  if (!api.ok()) {
    print_errors(api.errors());
    return kExitStorage;
  }
  auto server = http::Server::start(serve.http,
                                    [&api = **api](http::Request&& request, http::Respond respond) {
                                      api.handle(std::move(request), std::move(respond));
                                    });
  if (!server.ok()) {
    print_errors(server.errors());
    return kExitStorage;
  }
  for (const std::string& target : serve.warm_paths) {
    http::Request request;
    request.method = "GET";
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    request.authorization = "Bearer " + serve.warm_key;
    std::promise<int> answered;
    (*api)->handle(std::move(request),
                   [&answered](http::Response response) { answered.set_value(response.status); });
    if (const int status = answered.get_future().get(); status != 200) {
      std::fprintf(stderr, "fidelis: warming %s answered %d\n", target.c_str(), status);
    }
  }
  on_ready("http://" + serve.http.address + ":" + std::to_string((*server)->port()));
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "fidelis: %s: stopping\n", received == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->stop();  // answers what is in flight (the worker still runs)
  (*api)->stop();
  return kExitOk;
}

int run_serve(const Args& args) {
  if (args.words.size() != 1) {
    print_errors({core::make_error(
        core::ErrorCode::usage,
        "usage: fidelis serve [--listen HOST:PORT] [--threads N] [--web DIR] [--quiet]")});
    return kExitUsage;
  }
  auto serve = serve_options(args);
  if (!serve.ok()) {
    print_errors(serve.errors());
    return kExitUsage;
  }
  return serve_until_signal(args.db(), *serve, [](const std::string& base_url) {
    std::printf("listening on %s\n", base_url.c_str());
  });
}

}  // namespace fidelis::cli
