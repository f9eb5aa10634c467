// ChangeFeed: tells followers that the change log has grown.
//
// A background thread LISTENs on statuscast_changes; each NOTIFY carries a
// sequence, but it is only a hint: followers read the change log themselves
// from their last sequence, so a lost notification loses nothing. The thread
// also polls the head sequence every `poll_interval` as a safety net, and
// reconnects with backoff when PostgreSQL goes away.
// Thread safety: all methods are safe to call from any thread.
#ifndef STATUSCAST_LIBS_PGSTORE_CHANGE_FEED_H_
#define STATUSCAST_LIBS_PGSTORE_CHANGE_FEED_H_

#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace statuscast {

class ChangeFeed {
 public:
  ChangeFeed(std::string database_url, absl::Duration poll_interval);
  ~ChangeFeed();  // Stops.

  void Start();
  // Wakes every waiter; WaitBeyond returns at once from then on.
  void Stop();

  // Blocks until the newest known sequence exceeds `sequence`, `deadline`
  // passes, or Stop(). Returns the newest known sequence.
  int64_t WaitBeyond(int64_t sequence, absl::Time deadline);

  bool stopped() const;
  int64_t latest() const;

 private:
  void Run();
  void Publish(int64_t sequence);

  const std::string url_;
  const absl::Duration poll_interval_;
  mutable absl::Mutex mu_;
  int64_t latest_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_CHANGE_FEED_H_
