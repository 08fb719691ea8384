// For end-to-end API tests: starts the real `fidelis serve` on a free loopback port, and a small
// blocking HTTP/1.1 client (keep-alive, Content-Length bodies) to speak to it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "support/cli_runner.h"

namespace fidelis::test_support {

struct HttpReply {
  int status = 0;                              // 0: the connection failed or closed
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  ~HttpClient() { disconnect(); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpReply request(const std::string& method, const std::string& path,
                    const std::string& body = "",
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    if (fd_ < 0 && !connect_now()) return {};
    std::string text = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST") {
      text += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
              "\r\n";
    }
    text += "\r\n" + body;
    // A server may refuse before the body is sent (413): its answer is still there to read.
    (void)send_all(text);
    return read_reply();
  }

  void disconnect() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    buffer_.clear();
  }

 private:
  bool connect_now() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      disconnect();
      return false;
    }
    return true;
  }

  bool send_all(const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
      const ssize_t n = send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads until `buffer_` holds `count` bytes; false when the peer closed first.
  bool fill(std::size_t count) {
    char chunk[65536];
    while (buffer_.size() < count) {
      const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  }

  HttpReply read_reply() {
    HttpReply reply;
    std::size_t end = std::string::npos;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(buffer_.size() + 1)) {
        disconnect();
        return reply;
      }
    }
    const std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    reply.status = std::atoi(head.substr(9, 3).c_str());
    std::size_t line = head.find("\r\n");
    while (line != std::string::npos) {
      const std::size_t next = head.find("\r\n", line + 2);
      const std::string field =
          head.substr(line + 2, next == std::string::npos ? std::string::npos : next - line - 2);
      const auto colon = field.find(':');
      if (colon != std::string::npos) {
        std::string name = field.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        reply.headers[name] = field.substr(field.find_first_not_of(' ', colon + 1));
      }
      line = next;
    }
    const std::size_t length = std::strtoul(reply.headers["content-length"].c_str(), nullptr, 10);
    if (!fill(length)) {
      disconnect();
      reply.status = 0;
      return reply;
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    if (reply.headers["connection"] == "close") disconnect();
    return reply;
  }

  int port_;
  int fd_ = -1;
  std::string buffer_;
};

// `fidelis --db DB serve --listen 127.0.0.1:0` as a child process; the port it printed.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& db, const std::string& extra = "") {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      const std::string command = fidelis_binary() + " --db " + db +
                                  " serve --listen 127.0.0.1:0 " + extra + " 2>/dev/null";
      execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    // The first line: "listening on http://127.0.0.1:PORT".
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    const auto colon = line.rfind(':');
    if (colon != std::string::npos) port_ = std::atoi(line.c_str() + colon + 1);
  }
  ~ServerProcess() { stop(SIGKILL); }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Sends `signal` and waits; the exit code, or -1.
  int stop(int signal = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace fidelis::test_support
