#include "store/sqlite/wal_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fidelis::store {

std::unique_ptr<WalWatch> WalWatch::open(const std::string& db_path) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return nullptr;
  const std::string wal = db_path + "-wal";
  if (inotify_add_watch(fd, wal.c_str(), IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<WalWatch>(new WalWatch(fd));
}

WalWatch::~WalWatch() {
  if (fd_ >= 0) ::close(fd_);
}

bool WalWatch::unchanged() {
  if (fd_ < 0) return false;
  alignas(inotify_event) char events[4096];
  const ssize_t got = ::read(fd_, events, sizeof events);
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;  // nothing queued
  bool broken = got <= 0;
  // Each event: a header and its name (none for a watched file). The log replaced or gone, or
  // events lost to a full queue: this watch can no longer tell.
  for (ssize_t at = 0; !broken && at < got;) {
    inotify_event event;
    std::memcpy(&event, events + at, sizeof event);
    if ((event.mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW)) != 0) {
      broken = true;
    }
    at += static_cast<ssize_t>(sizeof event + event.len);
  }
  if (broken) {
    ::close(fd_);
    fd_ = -1;
  }
  return false;
}

}  // namespace fidelis::store
