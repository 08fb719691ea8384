// Crash safety: runs the real `fidelis ingest` on a large generated file, kills it with SIGKILL
// at random moments, and checks after each kill that every event the CLI reported accepted is
// stored, that nothing is half-applied (replay of the stored inputs rebuilds exactly the stored
// state), and that re-ingesting the same file completes the job.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "engine/engine.h"
#include "sim/shop_generator.h"
#include "store/sqlite/sqlite_store.h"

extern char** environ;

namespace fidelis {
namespace {

namespace fs = std::filesystem;

std::string fidelis_binary() {
  const char* path = std::getenv("FIDELIS_BIN");
  return path != nullptr ? path : FIDELIS_BIN_DEFAULT;
}

// Starts `fidelis ARGS...` with stdout on a pipe; returns the pid and the read end.
std::pair<pid_t, int> start(const std::vector<std::string>& args) {
  int pipe_fds[2];
  EXPECT_EQ(::pipe(pipe_fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> argv;
  const std::string binary = fidelis_binary();
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  // Without a child there is nothing to kill: kill(0) would hit our own process group.
  if (spawned != 0 || pid <= 0) {
    ADD_FAILURE() << "cannot start " << binary;
    std::abort();
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  return {pid, pipe_fds[0]};
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

struct Statuses {
  std::size_t lines = 0, accepted = 0, duplicate = 0, rejected = 0, other = 0;
};

// Reads what the process printed; every complete line reported "accepted" adds its id.
void read_accepted(int fd, std::set<std::string>& accepted, Statuses& statuses) {
  std::string buffer;
  char chunk[65536];
  for (;;) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(got));
  }
  ::close(fd);
  std::size_t start_at = 0;
  for (std::size_t end = buffer.find('\n'); end != std::string::npos;
       start_at = end + 1, end = buffer.find('\n', start_at)) {
    const std::string line = buffer.substr(start_at, end - start_at);
    ++statuses.lines;
    if (line.find("\"summary\"") != std::string::npos) continue;
    if (line.find("\"status\":\"duplicate\"") != std::string::npos)
      ++statuses.duplicate;
    else if (line.find("\"status\":\"rejected\"") != std::string::npos)
      ++statuses.rejected;
    else if (line.find("\"status\":\"accepted\"") == std::string::npos)
      ++statuses.other;
    if (line.find("\"status\":\"accepted\"") == std::string::npos) continue;
    ++statuses.accepted;
    const std::size_t id = line.find("\"id\":\"") + 6;
    accepted.insert(line.substr(id, line.find('"', id) - id));
  }
}

// A fresh folder with a generated event file (`members` members, a year) and a database whose
// program (examples/programs/basic.json) is active.
struct Workspace {
  fs::path dir;
  std::string db;
  std::string events;
  std::size_t total = 0;  // events in the file
};

Workspace prepare_workspace(const std::string& name, std::size_t members) {
  Workspace workspace;
  workspace.dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::create_directories(workspace.dir);
  workspace.db = (workspace.dir / "test.db").string();
  workspace.events = (workspace.dir / "events.jsonl").string();
  sim::ShopSpec spec;
  spec.members = members;
  spec.shop = "default";
  spec.start = *core::parse_rfc3339("2025-01-01T00:00:00Z");
  std::ofstream out(workspace.events);
  workspace.total =
      sim::generate_shop(spec, [&](std::string_view line) { out << line << '\n'; }).events;
  out.close();
  const char* source_dir = std::getenv("FIDELIS_SOURCE_DIR");
  const std::string program =
      (fs::path(source_dir != nullptr ? source_dir : FIDELIS_SOURCE_DIR_DEFAULT) /
       "examples/programs/basic.json")
          .string();
  auto [pid, fd] = start({"--db", workspace.db, "program", "activate", program});
  std::set<std::string> ignored;
  Statuses statuses;
  read_accepted(fd, ignored, statuses);
  EXPECT_EQ(wait_for(pid), 0) << "cannot activate the program";
  return workspace;
}

// One uninterrupted `ingest --json` of the whole file. It must exit 0, or 2 because the generator
// makes a few impossible spends, which are rejected.
void ingest_to_the_end(const std::string& db, const std::string& events,
                       std::set<std::string>& acknowledged, Statuses& statuses) {
  auto [pid, fd] = start({"--db", db, "--json", "ingest", events});
  read_accepted(fd, acknowledged, statuses);
  const int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2) << WEXITSTATUS(status);
}

TEST(CrashSafety, SigkillDuringIngestLosesNothingAcknowledged) {
  const Workspace workspace = prepare_workspace("fidelis-crash", 1500);
  const std::string& db = workspace.db;
  const std::string& events = workspace.events;
  const std::size_t total = workspace.total;

  std::mt19937_64 random(20261123);
  std::set<std::string> acknowledged;
  int kills = 0;
  for (int round = 0; round < 8; ++round) {
    auto [pid, fd] = start({"--db", db, "--json", "ingest", events, "--batch", "250"});
    const auto delay = std::chrono::milliseconds(20 + random() % 400);
    std::thread killer([pid = pid, delay] {
      std::this_thread::sleep_for(delay);
      if (pid > 0) ::kill(pid, SIGKILL);
    });
    Statuses statuses;
    read_accepted(fd, acknowledged, statuses);
    killer.join();
    const int status = wait_for(pid);
    const bool killed = WIFSIGNALED(status);
    kills += killed ? 1 : 0;

    // Reopen as a new process would, and check.
    auto store = std::move(store::open_sqlite(db)).value();
    for (const auto& id : acknowledged) {
      auto stored = store->event("default", id);
      ASSERT_TRUE(stored.ok());
      ASSERT_TRUE(stored->has_value()) << "event " << id << " was reported accepted but is lost";
    }
    auto report = engine::verify_replay(*store, "default");
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->differences.empty())
        << "round " << round << ": " << report->differences.front();
    if (!killed) break;  // the run finished before the killer woke up
  }
  EXPECT_GT(kills, 0) << "no run was killed: the test proved nothing";
  std::printf("killed %d runs; %zu events acknowledged before the final run\n", kills,
              acknowledged.size());
  // Finish the job: every line is reported, each stored event exactly once, and the only lines
  // not stored are the ones the engine rejects (the generator makes a few impossible spends).
  Statuses final_run;
  ASSERT_NO_FATAL_FAILURE(ingest_to_the_end(db, events, acknowledged, final_run));
  EXPECT_EQ(final_run.lines, total + 1);  // one line per event, then the summary
  EXPECT_EQ(final_run.other, 0u);
  EXPECT_EQ(final_run.accepted + final_run.duplicate + final_run.rejected, total);
  auto store = std::move(store::open_sqlite(db)).value();
  EXPECT_EQ(*store->last_seq("default"),
            static_cast<std::int64_t>(final_run.accepted + final_run.duplicate));
  EXPECT_LE(acknowledged.size(), final_run.accepted + final_run.duplicate);
  auto report = engine::verify_replay(*store, "default");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->differences.empty());
  fs::remove_all(workspace.dir);
}

// Two processes ingest the same events into one database at the same time. A batch prepared on a
// view another process has since changed must be refused, never applied: afterwards each event is
// stored once, every acknowledged event is there, and replay rebuilds exactly the stored state.
TEST(ConcurrentWriters, TwoIngestsOnOneFileNeverApplyABatchTwice) {
  const Workspace workspace = prepare_workspace("fidelis-concurrent", 800);
  const std::string& db = workspace.db;
  const std::string& events = workspace.events;
  const std::size_t total = workspace.total;
  std::set<std::string> acknowledged;
  for (int round = 0; round < 3; ++round) {
    auto [pid_a, fd_a] = start({"--db", db, "--json", "ingest", events, "--batch", "500"});
    auto [pid_b, fd_b] = start({"--db", db, "--json", "ingest", events, "--batch", "700"});
    Statuses a, b;
    std::thread reader_b([&, fd = fd_b] { read_accepted(fd, acknowledged, b); });
    std::set<std::string> acknowledged_a;
    read_accepted(fd_a, acknowledged_a, a);
    reader_b.join();
    acknowledged.insert(acknowledged_a.begin(), acknowledged_a.end());
    const int status_a = wait_for(pid_a);
    const int status_b = wait_for(pid_b);
    std::printf(
        "round %d: A exit %d (%zu accepted, %zu duplicate), B exit %d (%zu accepted, %zu "
        "duplicate)\n",
        round, WEXITSTATUS(status_a), a.accepted, a.duplicate, WEXITSTATUS(status_b), b.accepted,
        b.duplicate);
    for (const int status : {status_a, status_b}) {
      ASSERT_TRUE(WIFEXITED(status));
      // 0: finished; 10: refused a batch because the other process wrote (nothing of it stored).
      EXPECT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2 || WEXITSTATUS(status) == 10)
          << "exit " << WEXITSTATUS(status);
    }
    auto store = std::move(store::open_sqlite(db)).value();
    for (const auto& id : acknowledged) {
      auto stored = store->event("default", id);
      ASSERT_TRUE(stored.ok() && stored->has_value()) << "acknowledged event " << id << " is lost";
    }
    auto report = engine::verify_replay(*store, "default");
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->differences.empty()) << report->differences.front();
  }
  // Alone, one more run completes everything.
  Statuses final_run;
  ASSERT_NO_FATAL_FAILURE(ingest_to_the_end(db, events, acknowledged, final_run));
  EXPECT_EQ(final_run.accepted + final_run.duplicate + final_run.rejected, total);
  auto store = std::move(store::open_sqlite(db)).value();
  EXPECT_EQ(*store->last_seq("default"),
            static_cast<std::int64_t>(final_run.accepted + final_run.duplicate));
  auto report = engine::verify_replay(*store, "default");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->differences.empty());
  fs::remove_all(workspace.dir);
}

}  // namespace
}  // namespace fidelis
