#include "libs/banner/banner_hub.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "libs/base/fingerprint.h"
#include "libs/base/proto_time.h"
#include "statuscast/v1/banner.pb.h"

namespace statuscast {
namespace {

std::string HashOf(const std::vector<BannerView>& banners) {
  std::vector<std::string> f;
  for (const BannerView& b : banners) {
    f.push_back(b.id);
    f.push_back(absl::StrCat(b.content_version, "|", static_cast<int>(b.level), "|",
                             static_cast<int>(b.severity), "|", static_cast<int>(b.state)));
    f.push_back(b.text);
    f.push_back(b.link);
    for (const std::string& c : b.components) f.push_back(c);
    f.push_back(absl::StrCat(b.posted_at ? absl::ToUnixMicros(*b.posted_at) : 0, "|",
                             b.next_update_at ? absl::ToUnixMicros(*b.next_update_at) : 0));
  }
  return Fingerprint(f);
}

}  // namespace

void ToProto(const RenderedSet& set, v1::BannerSet* out) {
  out->set_app(set.target.app);
  out->set_path(set.target.path);
  out->set_version(set.version);
  SetTime(set.generated_at, out->mutable_generated_at());
  SetTime(set.valid_until, out->mutable_valid_until());
  for (const BannerView& b : set.banners) {
    v1::Banner* p = out->add_banners();
    p->set_id(b.id);
    p->set_content_version(b.content_version);
    p->set_source(static_cast<v1::BannerSource>(b.source));
    p->set_level(static_cast<v1::BannerLevel>(b.level));
    p->set_text(b.text);
    p->set_link(b.link);
    p->set_incident_ref(b.incident_ref);
    p->set_severity(static_cast<v1::Severity>(b.severity));
    p->set_state(static_cast<v1::IncidentState>(b.state));
    for (const std::string& c : b.components) p->add_components(c);
    if (b.posted_at) SetTime(*b.posted_at, p->mutable_posted_at());
    if (b.next_update_at) SetTime(*b.next_update_at, p->mutable_next_update_at());
    p->set_dismissible(true);
  }
}

BannerHub::BannerHub(const Clock& clock, BannerHubOptions options)
    : clock_(clock), options_(std::move(options)) {}

BannerHub::~BannerHub() = default;

bool BannerHub::ready() const {
  absl::MutexLock lock(&mu_);
  return world_ != nullptr;
}

absl::Time BannerHub::ValidUntil() const {
  absl::MutexLock lock(&mu_);
  return world_ ? confirmed_at_ + options_.validity : absl::InfinitePast();
}

int64_t BannerHub::sequence() const {
  absl::MutexLock lock(&mu_);
  return world_ ? world_->sequence : 0;
}

std::shared_ptr<const BannerWorld> BannerHub::world() const {
  absl::MutexLock lock(&mu_);
  return world_;
}

BannerHubStats BannerHub::stats() const {
  absl::MutexLock lock(&mu_);
  BannerHubStats s = stats_;
  s.world_sequence = world_ ? world_->sequence : 0;
  s.targets = targets_.size();
  s.subscribers = subscribers_.size();
  return s;
}

std::shared_ptr<const RenderedSet> BannerHub::Render(const BannerTarget& target, int64_t version,
                                                     absl::Time now) {
  auto set = std::make_shared<RenderedSet>();
  set->target = target;
  set->version = version;
  set->banners = BannersFor(*world_, target, now, options_.status_page_url);
  set->content_hash = HashOf(set->banners);
  set->generated_at = now;
  set->valid_until = confirmed_at_ + options_.validity;
  auto message = std::make_shared<v1::SubscribeResponse>();
  ToProto(*set, message->mutable_set());
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.always_print_primitive_fields = true;
  google::protobuf::util::MessageToJsonString(message->set(), &set->json, json_options);
  set->grpc_message = std::move(message);
  ++stats_.sets_rendered;
  return set;
}

BannerHub::TargetEntry& BannerHub::Entry(const BannerTarget& target) {
  auto it = targets_.find(target);
  if (it != targets_.end()) {
    TargetEntry& entry = it->second;
    if (entry.stale) Rerender(target, entry, entry.stale_by_time, {});
    return entry;
  }
  if (targets_.size() >= options_.max_cached_targets) {
    // Forget targets nobody watches; they re-render on demand.
    for (auto i = targets_.begin(); i != targets_.end();) {
      i = i->second.subscribers == 0 ? targets_.erase(i) : std::next(i);
    }
  }
  TargetEntry& entry = targets_[target];
  if (world_) {
    entry.set = Render(target, world_->sequence, clock_.Now());
    entry.content_since = world_->sequence;
  }
  return entry;
}

void BannerHub::Publish(std::shared_ptr<const BannerWorld> world,
                        const std::map<int64_t, absl::Time>& commit_times) {
  absl::MutexLock lock(&mu_);
  if (world_ && world->sequence < world_->sequence) return;  // never go back
  const int64_t previous = world_ ? world_->sequence : 0;
  world_ = std::move(world);
  confirmed_at_ = clock_.Now();
  std::map<int64_t, absl::Time> fresh;
  for (const auto& [seq, at] : commit_times) {
    if (seq > previous) fresh.emplace(seq, at);
  }
  Reconcile(fresh, /*by_time=*/false);
  handed_out_sequence_.store(world_->sequence, std::memory_order_release);
}

void BannerHub::Refresh() {
  absl::MutexLock lock(&mu_);
  if (world_) Reconcile({}, /*by_time=*/true);
}

bool BannerHub::ClientHas(const TargetEntry& entry, int64_t last_version) {
  if (last_version <= 0) return false;
  return last_version > entry.content_since ||
         (last_version == entry.content_since && !entry.changed_by_time);
}

bool BannerHub::Rerender(const BannerTarget& target, TargetEntry& entry, bool by_time,
                         const std::map<int64_t, absl::Time>& commit_times) {
  const int64_t seq = world_->sequence;
  std::shared_ptr<RenderedSet> fresh =
      std::const_pointer_cast<RenderedSet>(Render(target, seq, clock_.Now()));
  const bool changed = !entry.set || fresh->content_hash != entry.set->content_hash;
  if (changed) {
    entry.content_since = seq;
    entry.changed_by_time = by_time;
    if (!commit_times.empty()) fresh->oldest_commit = commit_times.begin()->second;
  }
  entry.set = std::move(fresh);
  entry.first.reset();
  entry.stale = false;
  entry.stale_by_time = false;
  return changed;
}

void BannerHub::Reconcile(const std::map<int64_t, absl::Time>& commit_times, bool by_time) {
  const int64_t seq = world_->sequence;
  for (auto& [target, entry] : targets_) {
    if (entry.subscribers == 0) {
      // Nobody to tell: render when someone asks. A schedule change while
      // stale makes the content's start ambiguous, as a Refresh would.
      entry.stale = true;
      entry.stale_by_time = entry.stale_by_time || by_time;
      continue;
    }
    const bool changed = Rerender(target, entry, by_time, commit_times);
    auto range = by_target_.equal_range(target);
    // Queueing sinks first: their I/O threads write on the other cores
    // while this thread serves the sinks that write inline.
    for (const bool queues_only : {true, false}) {
      for (auto it = range.first; it != range.second; ++it) {
        Subscriber& sub = subscribers_[it->second];
        if (sub.sink->QueuesOnly() != queues_only) continue;
        if (sub.waiting) {
          if (seq < sub.last_version) continue;  // still behind the client
          sub.waiting = false;
          if (ClientHas(entry, sub.last_version)) continue;
        } else if (!changed) {
          continue;
        }
        sub.sink->OnSet(entry.set);
        ++stats_.sets_delivered;
      }
    }
  }
}

std::shared_ptr<const RenderedSet> BannerHub::Current(const BannerTarget& target) {
  absl::MutexLock lock(&mu_);
  if (!world_) return nullptr;
  return Entry(target).set;
}

uint64_t BannerHub::Subscribe(const BannerTarget& target, int64_t last_version,
                              std::shared_ptr<SetSink> sink) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  TargetEntry& entry = Entry(target);
  if (closed_) {
    const bool has = world_ && last_version <= world_->sequence && ClientHas(entry, last_version);
    sink->OnClose(has ? entry.set : nullptr);
    return id;
  }
  ++entry.subscribers;
  Subscriber& sub = subscribers_[id];
  sub.target = target;
  sub.sink = std::move(sink);
  sub.by_target = by_target_.emplace(target, id);
  sub.last_version = last_version;
  if (!world_ || last_version > world_->sequence) {
    sub.waiting = true;  // no world yet, or this replica is behind the client
    return id;
  }
  if (!ClientHas(entry, last_version)) {
    sub.sink->OnSet(FirstSet(entry));
    ++stats_.sets_delivered;
  }
  return id;
}

std::shared_ptr<const RenderedSet> BannerHub::FirstSet(TargetEntry& entry) {
  if (!entry.set->oldest_commit) return entry.set;
  if (!entry.first) {
    auto first = std::make_shared<RenderedSet>(*entry.set);
    first->oldest_commit.reset();  // a snapshot, not a propagated change
    entry.first = std::move(first);
  }
  return entry.first;
}

void BannerHub::Unsubscribe(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return;
  by_target_.erase(it->second.by_target);
  auto entry = targets_.find(it->second.target);
  if (entry != targets_.end() && entry->second.subscribers > 0) --entry->second.subscribers;
  subscribers_.erase(it);
}

void BannerHub::CloseAll() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  for (auto& [id, sub] : subscribers_) {
    std::shared_ptr<const RenderedSet> current;
    if (!sub.waiting) {
      auto entry = targets_.find(sub.target);
      if (entry != targets_.end()) current = entry->second.set;
    }
    sub.sink->OnClose(std::move(current));
  }
  subscribers_.clear();
  by_target_.clear();
  for (auto& [t, entry] : targets_) entry.subscribers = 0;
}

}  // namespace statuscast
