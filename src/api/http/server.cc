// The Beast implementation of http::Server: one io_context run by N threads, a strand per
// connection, keep-alive, TCP_NODELAY, bounded headers and bodies, time-outs, graceful stop.
#include "api/http/server.h"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/json_writer.h"
#include "core/time.h"

namespace fidelis::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class BeastServer;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, BeastServer& server)
      : stream_(std::move(socket)), server_(server) {}
  void run();
  // On stop: an idle connection closes now; a busy one after its response.
  void close_if_idle();

 private:
  void read();
  void on_read(beast::error_code ec);
  void write(Response response);
  void on_write(beast::error_code ec, std::size_t bytes);
  void close();
  // After refusing a request whose body is still arriving: stop sending, read and drop what
  // comes until the client is done (or the time-out), then close. Closing at once would reset
  // the connection and could destroy the refusal before the client reads it.
  void drain();
  void log(int status, std::size_t bytes);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  BeastServer& server_;
  bool busy_ = false;  // a request is being handled (on the strand)
  bool keep_alive_ = true;
  bool refused_ = false;  // answered before reading the whole request: drain, then close
  std::array<char, 8192> scratch_{};
  std::string method_, path_;
  std::chrono::steady_clock::time_point started_;
};

class BeastServer final : public Server {
 public:
  BeastServer(const ServerOptions& options, Handler handler)
      : options_(options),
        handler_(std::move(handler)),
        io_(options.threads),
        acceptor_(net::make_strand(io_)) {}

  ~BeastServer() override { stop(); }

  core::Status listen() {
    beast::error_code ec;
    const auto address = net::ip::make_address(options_.address, ec);
    if (ec) return fail("--listen address \"" + options_.address + "\": " + ec.message());
    const tcp::endpoint endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return fail("cannot listen on " + options_.address + ":" + std::to_string(options_.port) +
                  ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    for (int i = 0; i < std::max(1, options_.threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    return core::Ok{};
  }

  unsigned short port() const override { return port_; }

  void stop() override {
    if (stopping_.exchange(true)) {
      join();
      return;
    }
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    std::vector<std::weak_ptr<Session>> sessions;
    {
      std::lock_guard lock(sessions_mutex_);
      sessions.assign(sessions_.begin(), sessions_.end());
    }
    for (auto& weak : sessions) {
      if (auto session = weak.lock()) session->close_if_idle();
    }
    join();
  }

  bool stopping() const { return stopping_; }
  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }

  void add(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.insert(session);
  }
  void remove(const Session* session) {
    std::lock_guard lock(sessions_mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      auto held = it->lock();
      it = (!held || held.get() == session) ? sessions_.erase(it) : std::next(it);
    }
  }
  void log_line(const std::string& line) {
    std::lock_guard lock(log_mutex_);
    std::fputs(line.c_str(), stderr);
  }

 private:
  static core::Error fail(std::string message) {
    return core::make_error(core::ErrorCode::io_error, std::move(message));
  }

  void accept() {
    acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed by stop(), or out of descriptors: stop accepting
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<Session>(std::move(socket), *this);
      add(session);
      session->run();
      if (!stopping_) accept();
    });
  }

  void join() {
    std::lock_guard lock(join_mutex_);
    for (auto& thread : threads_) {
      if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
    }
    threads_.clear();
  }

  ServerOptions options_;
  Handler handler_;
  net::io_context io_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex sessions_mutex_, log_mutex_, join_mutex_;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions_;
};

void Session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void Session::close_if_idle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->busy_) self->close();
  });
}

void Session::read() {
  if (server_.stopping()) return close();
  parser_.emplace();
  parser_->body_limit(server_.options().body_limit);
  parser_->header_limit(static_cast<std::uint32_t>(server_.options().header_limit));
  stream_.expires_after(server_.options().timeout);
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void Session::on_read(beast::error_code ec) {
  started_ = std::chrono::steady_clock::now();
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
    busy_ = true;
    keep_alive_ = false;
    refused_ = true;
    method_ = "?";
    const bool body = ec == bhttp::error::body_limit;
    Response response;
    response.status = body ? 413 : 431;
    response.content_type = "application/problem+json";
    response.body = body ? R"({"type":"about:blank","title":"Body too large","status":413,)"
                           R"("errors":[{"pointer":"","code":"body_too_large","message":)"
                           R"("the request body is larger than the server accepts"}]})"
                         : R"({"type":"about:blank","title":"Headers too large","status":431})";
    return write(std::move(response));
  }
  if (ec) return close();  // end of stream, time-out, reset
  bhttp::request<bhttp::string_body> request = parser_->release();
  busy_ = true;
  keep_alive_ = request.keep_alive();
  Request out;
  out.method = std::string(request.method_string().data(), request.method_string().size());
  const std::string_view target(request.target().data(), request.target().size());
  const auto question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.query = std::string(target.substr(question + 1));
  out.body = std::move(request.body());
  const auto text = [](beast::string_view view) { return std::string(view.data(), view.size()); };
  out.authorization = text(request[bhttp::field::authorization]);
  out.idempotency_key = text(request["Idempotency-Key"]);
  out.member_token = text(request["X-Member-Token"]);
  out.content_type = text(request[bhttp::field::content_type]);
  method_ = out.method;
  path_ = out.path;
  // The guard keeps the threads running until the handler answers, even when nothing else is
  // pending (a stopping server waits for every answer).
  auto respond = [self = shared_from_this(),
                  work = net::make_work_guard(stream_.get_executor())](Response response) {
    net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->write(std::move(response));
    });
  };
  server_.handler()(std::move(out), std::move(respond));
}

void Session::write(Response response) {
  response_ = {};
  response_.version(11);
  response_.result(static_cast<unsigned>(response.status));
  response_.set(bhttp::field::server, "fidelis");
  response_.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) response_.set(name, value);
  // A stopping server answers, then closes the connection.
  response_.keep_alive(keep_alive_ && !server_.stopping());
  response_.body() = std::move(response.body);
  response_.prepare_payload();
  log(response.status, response_.body().size());
  stream_.expires_after(server_.options().timeout);
  bhttp::async_write(stream_, response_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                       self->on_write(ec, bytes);
                     });
}

void Session::on_write(beast::error_code ec, std::size_t) {
  busy_ = false;
  if (!ec && refused_) return drain();
  if (ec || !response_.keep_alive()) return close();
  read();
}

void Session::drain() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::seconds(5));
  stream_.async_read_some(net::buffer(scratch_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->close();
                            self->drain();
                          });
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  server_.remove(this);
}

void Session::log(int status, std::size_t bytes) {
  if (!server_.options().access_log) return;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started_)
                          .count();
  core::JsonWriter line;
  line.begin_object().key("at").value(
      core::format_rfc3339(core::Timestamp{std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count()}));
  line.key("method").value(method_).key("path").value(path_).key("status").value(status);
  line.key("micros").value(static_cast<std::int64_t>(micros));
  line.key("bytes").value(static_cast<std::uint64_t>(bytes)).end_object();
  server_.log_line(line.str() + "\n");
}

}  // namespace

core::Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<BeastServer>(options, std::move(handler));
  FIDELIS_CHECK(server->listen());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace fidelis::http
