// `fidelis ingest FILE.jsonl|-` and `fidelis tick --until TIME`. Lines are applied in batches
// (group commit); each line is reported only after its batch is durable, and output is flushed
// after every commit, so whatever was reported accepted survives a crash.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "core/allocator.h"
#include "core/json_writer.h"
#include "engine/engine.h"

namespace fidelis::cli {
namespace {

// Larger batches share more B-tree pages per commit (docs/performance.md); a pause in the input
// commits at once whatever the batch holds.
constexpr std::size_t kBatchEventsDefault = 30000;
constexpr std::size_t kBatchEventsMax = 100'000;
constexpr std::size_t kLineBytesMax = 1 << 20;  // one event line, 1 MiB

// Reads lines from a file descriptor with a large buffer, and says whether more input is ready
// without blocking (so a slow pipe commits what it has instead of holding it).
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) { buffer_.reserve(1 << 20); }

  // The next line (without '\n'); nothing at end of input. Blocks if needed.
  std::optional<std::string> next() {
    for (;;) {
      const std::size_t newline = buffer_.find('\n', start_);
      if (newline != std::string::npos) {
        std::string line = buffer_.substr(start_, newline - start_);
        start_ = newline + 1;
        return line;
      }
      if (eof_) {
        if (start_ < buffer_.size()) {
          std::string line = buffer_.substr(start_);
          start_ = buffer_.size();
          return line;
        }
        return std::nullopt;
      }
      fill();
    }
  }

  // True when next() would return without waiting for the input.
  bool ready() {
    if (buffer_.find('\n', start_) != std::string::npos || eof_) return true;
    pollfd descriptor{fd_, POLLIN, 0};
    return ::poll(&descriptor, 1, 0) > 0;
  }

  bool failed() const { return failed_; }

 private:
  void fill() {
    buffer_.erase(0, start_);
    start_ = 0;
    char chunk[1 << 16];
    const ssize_t got = ::read(fd_, chunk, sizeof chunk);
    if (got <= 0) {
      failed_ = got < 0;
      eof_ = true;
      return;
    }
    buffer_.append(chunk, static_cast<std::size_t>(got));
  }

  int fd_;
  std::string buffer_;
  std::size_t start_ = 0;
  bool eof_ = false;
  bool failed_ = false;
};

struct Counts {
  std::size_t accepted = 0, duplicate = 0, conflict = 0, rejected = 0;
};

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

}  // namespace

int run_ingest(const Args& args) {
  if (args.words.size() != 2) {
    print_errors({core::make_error(core::ErrorCode::usage, "usage: fidelis ingest FILE.jsonl|-")});
    return kExitUsage;
  }
  std::size_t batch_max = kBatchEventsDefault;
  if (const auto batch = args.option("batch")) {
    batch_max = std::strtoull(batch->c_str(), nullptr, 10);
    if (batch_max == 0 || batch_max > kBatchEventsMax) {
      print_errors({core::make_error(core::ErrorCode::usage, "--batch must be from 1 to 100000")});
      return kExitUsage;
    }
  }
  const std::string& path = args.words[1];
  const int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    print_errors({core::make_error(core::ErrorCode::io_error,
                                   "cannot open " + path + ": " + std::strerror(errno))});
    return kExitStorage;
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  engine::Engine engine(*store);
  // Each batch's memory is freed once written and as much allocated for the next: kept for reuse
  // rather than handed back to the system and faulted in again (docs/performance.md, session 14).
  core::retain_freed_memory();
  // A second connection writes batch N while this thread prepares batch N+1.
  auto writer = open_store(args);
  if (!writer) return kExitStorage;
  engine.enable_pipeline(std::move(writer));
  LineReader reader(fd);
  const bool json = args.json();
  const std::string shop = args.shop();
  const std::string label = path == "-" ? "stdin" : path;
  // What a batch will report once it is durable.
  struct Report {
    std::string output;
    std::string errors;
    Counts counts;
  };
  Counts counts;
  auto publish = [&counts](const Report& report) {
    std::fwrite(report.output.data(), 1, report.output.size(), stdout);
    std::fflush(stdout);
    std::fputs(report.errors.c_str(), stderr);
    counts.accepted += report.counts.accepted;
    counts.duplicate += report.counts.duplicate;
    counts.conflict += report.counts.conflict;
    counts.rejected += report.counts.rejected;
  };
  std::optional<Report> in_flight;
  std::size_t line_number = 0;
  bool done = false;
  while (!done) {
    if (auto status = engine.begin_batch(); !status.ok()) {
      print_errors(status.errors());
      return kExitStorage;
    }
    Report report;
    bool paused = false;
    // Fill the batch until it is full, the input ends, or the input would make us wait.
    while (engine.batch_events() < batch_max) {
      auto line = reader.next();
      if (!line) {
        done = true;
        break;
      }
      ++line_number;
      if (is_blank(*line)) continue;
      engine::SubmitResult result;
      if (line->size() > kLineBytesMax) {
        result.errors.push_back(
            core::make_error(core::ErrorCode::value_out_of_range, "line is longer than 1 MiB"));
      } else {
        result = engine.submit(*line, shop);
      }
      switch (result.outcome) {
        case engine::Outcome::accepted:
          ++report.counts.accepted;
          break;
        case engine::Outcome::duplicate:
          ++report.counts.duplicate;
          break;
        case engine::Outcome::conflict:
          ++report.counts.conflict;
          break;
        case engine::Outcome::rejected:
          ++report.counts.rejected;
          break;
      }
      for (const auto& error : result.errors) {
        report.errors += "fidelis: " + label + ":" + std::to_string(line_number) + ": ";
        if (!error.where.empty()) report.errors += error.where + ": ";
        report.errors +=
            error.message + " (" + std::string(core::error_code_name(error.code)) + ")\n";
      }
      if (json) {
        core::JsonWriter out;
        out.begin_object().key("line").value(static_cast<std::uint64_t>(line_number));
        if (!result.event_id.empty()) {
          out.key("id").value(result.event_id);
        } else {
          out.key("id").null();
        }
        out.key("status").value(engine::outcome_name(result.outcome));
        if (!result.errors.empty()) {
          out.key("errors").begin_array();
          for (const auto& error : result.errors) {
            out.begin_object().key("pointer").value(error.where);
            out.key("code").value(core::error_code_name(error.code));
            out.key("message").value(error.message).end_object();
          }
          out.end_array();
        }
        out.end_object();
        report.output += out.str();
        report.output += '\n';
      }
      if (!reader.ready()) {
        paused = true;
        break;
      }
    }
    // While input flows, batch N is written in the background as N+1 fills. When the input
    // pauses or ends, commit at once so that nothing waits to be acknowledged.
    const bool pipelined = !paused && !done;
    auto status = pipelined ? engine.commit_batch_async() : engine.commit_batch();
    if (!status.ok()) {
      print_errors(status.errors());
      return kExitStorage;
    }
    // Only now is the previous batch durable (and, when not pipelined, this one): report.
    if (in_flight) publish(*in_flight);
    in_flight.reset();
    if (pipelined) {
      in_flight = std::move(report);
    } else {
      publish(report);
    }
  }
  if (reader.failed()) {
    print_errors({core::make_error(core::ErrorCode::io_error, "reading " + label + " failed")});
    return kExitStorage;
  }
  if (json) {
    core::JsonWriter out;
    out.begin_object().key("summary").begin_object();
    out.key("accepted").value(static_cast<std::uint64_t>(counts.accepted));
    out.key("duplicate").value(static_cast<std::uint64_t>(counts.duplicate));
    out.key("conflict").value(static_cast<std::uint64_t>(counts.conflict));
    out.key("rejected").value(static_cast<std::uint64_t>(counts.rejected));
    out.end_object().end_object();
    std::printf("%s\n", out.str().c_str());
  } else {
    std::printf("%s: %zu accepted, %zu duplicate, %zu conflict, %zu rejected\n", label.c_str(),
                counts.accepted, counts.duplicate, counts.conflict, counts.rejected);
  }
  if (fd != STDIN_FILENO) ::close(fd);
  if (counts.rejected > 0) return kExitRejected;
  if (counts.conflict > 0) return kExitConflict;
  return kExitOk;
}

int run_tick(const Args& args) {
  const auto until_text = args.option("until");
  if (!until_text || args.words.size() != 1) {
    print_errors({core::make_error(core::ErrorCode::usage, "usage: fidelis tick --until TIME")});
    return kExitUsage;
  }
  auto until = core::parse_rfc3339(*until_text);
  if (!until.ok()) {
    print_errors(until.errors(), "--until");
    return kExitUsage;
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  auto visit = shops_to_visit(args, *store);
  if (!visit.ok()) {
    print_errors(visit.errors());
    return kExitStorage;
  }
  const std::vector<std::string>& shops = *visit;
  engine::Engine engine(*store);
  core::JsonWriter out;
  out.begin_object().key("until").value(core::format_rfc3339(*until)).key("shops").begin_array();
  for (const auto& shop : shops) {
    auto result = engine.tick(shop, *until);
    if (!result.ok()) {
      print_errors(result.errors());
      return exit_code_for(result.errors());
    }
    out.begin_object().key("shop").value(shop);
    out.key("members").value(static_cast<std::uint64_t>(result->members));
    out.key("lines").value(static_cast<std::uint64_t>(result->lines)).end_object();
    if (!args.json()) {
      std::printf("shop %s: timers ran for %zu members, %zu ledger lines written\n", shop.c_str(),
                  result->members, result->lines);
    }
  }
  out.end_array().end_object();
  if (args.json()) std::printf("%s\n", out.str().c_str());
  return kExitOk;
}

}  // namespace fidelis::cli
