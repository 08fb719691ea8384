// `fidelis serve [--listen HOST:PORT] [--threads N] [--quiet]` (--quiet: no access log): the HTTP
// API on the --db database until SIGTERM or SIGINT, then a graceful stop (requests in flight are
// answered; nothing acknowledged is lost: an event is acknowledged only once durable).
#include <csignal>
#include <cstdio>

#include "api/api.h"
#include "cli/commands.h"

namespace fidelis::cli {

int run_serve(const Args& args) {
  if (args.words.size() != 1) {
    print_errors(
        {core::make_error(core::ErrorCode::usage,
                          "usage: fidelis serve [--listen HOST:PORT] [--threads N] [--quiet]")});
    return kExitUsage;
  }
  http::ServerOptions options;
  const std::string listen = args.option("listen").value_or("127.0.0.1:8080");
  const auto colon = listen.rfind(':');
  const std::string port_text = colon == std::string::npos ? "" : listen.substr(colon + 1);
  char* end = nullptr;
  const unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
  const unsigned long threads =
      std::strtoul(args.option("threads").value_or("2").c_str(), nullptr, 10);
  if (port_text.empty() || *end != '\0' || port > 65535 || threads < 1 || threads > 64) {
    print_errors({core::make_error(core::ErrorCode::usage,
                                   "--listen is HOST:PORT (PORT 0-65535, 0 for any free one); "
                                   "--threads 1-64")});
    return kExitUsage;
  }
  options.address = listen.substr(0, colon);
  options.port = static_cast<unsigned short>(port);
  options.threads = static_cast<int>(threads);
  options.access_log = !args.flag("quiet");

  // Signals are taken synchronously below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto api = api::Api::open({args.db()});
  if (!api.ok()) {
    print_errors(api.errors());
    return kExitStorage;
  }
  auto server =
      http::Server::start(options, [&api = **api](http::Request&& request, http::Respond respond) {
        api.handle(std::move(request), std::move(respond));
      });
  if (!server.ok()) {
    print_errors(server.errors());
    return kExitStorage;
  }
  std::printf("listening on http://%s:%u\n", options.address.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "fidelis: %s: stopping\n", received == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->stop();  // answers what is in flight (the worker still runs)
  (*api)->stop();
  return kExitOk;
}

}  // namespace fidelis::cli
