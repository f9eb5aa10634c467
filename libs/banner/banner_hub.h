// BannerHub: the current banner sets in memory, and their fan-out.
//
// The follower Publish()es each new BannerWorld. The hub keeps one rendered
// set per target that someone watches or asked for (rendered once: the gRPC
// message and its JSON mapping), and hands a new set to every subscriber of
// a target whose content changed. Snapshots (Current) never touch
// PostgreSQL.
//
// Validity: a set is valid until `validity` after the hub last heard from
// PostgreSQL (the last Publish), not after it was rendered or sent. While the
// follower cannot load, the hub keeps serving the last world, and every
// valid_until it hands out (sets, snapshots, gRPC heartbeats) stays where it
// was, so clients see the sets age and hide them once they expire.
//
// Cost: Publish and Refresh re-render only targets with subscribers. A
// target only asked for by snapshots (anyone can name any app and path) is
// marked stale and re-rendered by the next Current that asks for it, once
// per world; so a flood of snapshot targets costs each change nothing.
//
// Versions: a set's version is the change-log sequence of the world it was
// rendered from. A subscriber that resumes with last_version V gets no set
// older than V, and no first set when this target's content has not changed
// since V (as far as this replica has seen).
//
// Thread safety: all methods are safe from any thread. Sinks are called
// while the hub's lock is held and must not block or call back into the hub;
// after Unsubscribe(id) returns, that sink is never called again.
#ifndef STATUSCAST_LIBS_BANNER_BANNER_HUB_H_
#define STATUSCAST_LIBS_BANNER_BANNER_HUB_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/banner/banner_world.h"
#include "libs/base/clock.h"

namespace statuscast {
namespace v1 {
class SubscribeResponse;
class BannerSet;
}  // namespace v1

// A set for one target, rendered once for every transport.
struct RenderedSet {
  BannerTarget target;
  int64_t version = 0;
  // Of the banners' content only: equal sets on any replica have equal hashes.
  std::string content_hash;
  std::vector<BannerView> banners;
  absl::Time generated_at;
  absl::Time valid_until;
  // statuscast.v1.SubscribeResponse{set: ...}.
  std::shared_ptr<const v1::SubscribeResponse> grpc_message;
  // protobuf JSON mapping of the BannerSet (one line).
  std::string json;
  // The world's earliest change-log commit time not yet sent to this target
  // (for commit-to-send latency); unset when unknown.
  absl::optional<absl::Time> oldest_commit;
};

// A transport's end of one subscription.
class SetSink {
 public:
  virtual ~SetSink() = default;
  // A new set for the sink's target. Must not block.
  virtual void OnSet(std::shared_ptr<const RenderedSet> set) = 0;
  // The server is going away: end the stream so the client reconnects.
  // `current`: the target's current set, whose content every set handed to
  // this sink leads to (the client holds it once they are written), so the
  // sink may tell the client to resume from current->version: a replica
  // that restarts then knows the client is current and sends it nothing.
  // nullptr when the subscriber is still waiting (it resumes from its own).
  virtual void OnClose(std::shared_ptr<const RenderedSet> current) = 0;
  // True when OnSet only queues the set for another thread to write (SSE);
  // false when it writes in the caller's thread (gRPC). A change reaches
  // queueing sinks first, so their threads write while the others do.
  virtual bool QueuesOnly() const { return false; }
};

struct BannerHubOptions {
  std::string status_page_url = "http://127.0.0.1:8080";
  // How long a set stays valid after the hub last heard from PostgreSQL
  // (the last Publish). Must exceed the follower's reconcile interval.
  absl::Duration validity = absl::Seconds(90);
  // Targets nobody watches are forgotten beyond this many.
  size_t max_cached_targets = 10000;
};

// Counters the hub keeps for metrics.
struct BannerHubStats {
  uint64_t sets_rendered = 0;
  uint64_t sets_delivered = 0;
  int64_t world_sequence = 0;
  size_t targets = 0;
  size_t subscribers = 0;
};

class BannerHub {
 public:
  BannerHub(const Clock& clock, BannerHubOptions options);
  ~BannerHub();

  // Installs a new world and notifies subscribers whose set changed.
  // `commit_times` maps change-log sequences in (previous, world.sequence] to
  // their commit time, for latency accounting (may be empty).
  void Publish(std::shared_ptr<const BannerWorld> world,
               const std::map<int64_t, absl::Time>& commit_times = {});
  // Re-evaluates time-dependent sets (schedules) against the same world.
  void Refresh();

  // False until the first world arrives.
  bool ready() const;
  // Until when the current world counts as true: the last Publish plus
  // `validity` (InfinitePast before the first). Heartbeats carry this.
  absl::Time ValidUntil() const;
  // The current set for `target` (nullptr before ready()).
  std::shared_ptr<const RenderedSet> Current(const BannerTarget& target);

  // Registers `sink` for `target` and delivers the current set to it unless
  // the client already has it (see versions above). Returns an id for
  // Unsubscribe.
  uint64_t Subscribe(const BannerTarget& target, int64_t last_version,
                     std::shared_ptr<SetSink> sink);
  void Unsubscribe(uint64_t id);
  // Calls OnClose on every sink and forgets them (graceful shutdown). A
  // later Subscribe closes its sink at once (naming the current set when
  // the client has it), so a client that reconnects to this replica while
  // it shuts down moves on instead of waiting on a stream that ends later.
  void CloseAll();

  BannerHubStats stats() const;
  // The current world's version (0 before the first).
  int64_t sequence() const;
  // The version heartbeats name: the last world whose sets have all been
  // handed to the sinks (0 before the first). Every subscriber's set for a
  // change up to it was handed to its sink before this returned it, so a
  // sink that has written everything it was handed may tell its client to
  // resume from max(HeartbeatVersion(), the client's last_version), and a
  // restarted replica sends that client nothing. Lock-free: an I/O thread
  // may call it while a fan-out holds the hub.
  int64_t HeartbeatVersion() const {
    return handed_out_sequence_.load(std::memory_order_acquire);
  }
  std::shared_ptr<const BannerWorld> world() const;
  const BannerHubOptions& options() const { return options_; }

 private:
  struct Subscriber {
    BannerTarget target;
    // No set yet: this replica had no world, or is behind the client's
    // last_version; decided on the next Publish at or beyond it.
    bool waiting = false;
    int64_t last_version = 0;
    std::shared_ptr<SetSink> sink;
    // This subscriber's entry in by_target_: Unsubscribe removes it without
    // a scan of the target's subscribers (a storm of 20,000 disconnects from
    // one target would otherwise be quadratic).
    std::multimap<BannerTarget, uint64_t>::iterator by_target;
  };
  struct TargetEntry {
    std::shared_ptr<const RenderedSet> set;
    int64_t content_since = 0;  // sequence when this content was first seen
    // The content changed at content_since by time alone (a schedule), so a
    // client holding content_since may have the set from before or after.
    bool changed_by_time = false;
    size_t subscribers = 0;
    // `set` is from an older world or clock (nobody watched when it
    // changed); the next Current or Subscribe re-renders it.
    bool stale = false;
    // A Refresh (time) passed while stale.
    bool stale_by_time = false;
    // `set` without its oldest_commit, for first sets (a snapshot, not a
    // propagated change): made once per set and shared by every subscriber
    // that needs it, so a reconnect storm renders and encodes nothing per
    // client. Reset whenever `set` is replaced.
    std::shared_ptr<const RenderedSet> first;
  };

  std::shared_ptr<const RenderedSet> Render(const BannerTarget& target, int64_t version,
                                            absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Re-renders `entry` against the current world; true when its content
  // changed (content_since moves to the world's sequence).
  bool Rerender(const BannerTarget& target, TargetEntry& entry, bool by_time,
                const std::map<int64_t, absl::Time>& commit_times)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Re-renders every watched target and delivers changed sets; marks the
  // others stale.
  void Reconcile(const std::map<int64_t, absl::Time>& commit_times, bool by_time)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // entry.set as a first set (see TargetEntry::first).
  static std::shared_ptr<const RenderedSet> FirstSet(TargetEntry& entry);
  // Whether a client that saw `last_version` already has `entry`'s content.
  static bool ClientHas(const TargetEntry& entry, int64_t last_version);
  TargetEntry& Entry(const BannerTarget& target) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock& clock_;
  const BannerHubOptions options_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const BannerWorld> world_ ABSL_GUARDED_BY(mu_);
  // When the last world was published (confirmed current by PostgreSQL).
  absl::Time confirmed_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::map<BannerTarget, TargetEntry> targets_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, Subscriber> subscribers_ ABSL_GUARDED_BY(mu_);
  std::multimap<BannerTarget, uint64_t> by_target_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;  // CloseAll was called
  BannerHubStats stats_ ABSL_GUARDED_BY(mu_);
  // HeartbeatVersion: stored (release) after Publish has handed out the
  // world's sets, so a reader that sees it also sees those hand-offs.
  std::atomic<int64_t> handed_out_sequence_{0};
};

// The banners of `set` as a BannerSet message (for GetBanners and tests).
void ToProto(const RenderedSet& set, v1::BannerSet* out);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BANNER_BANNER_HUB_H_
