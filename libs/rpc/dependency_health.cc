#include "libs/rpc/dependency_health.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace statuscast {

DependencyHealth::DependencyHealth(Probe probe, Options options, OnChange on_change)
    : probe_(std::move(probe)), options_(options), on_change_(std::move(on_change)) {}

DependencyHealth::~DependencyHealth() { Stop(); }

void DependencyHealth::Start() {
  prober_ = std::thread([this] { ProbeLoop(); });
  watcher_ = std::thread([this] { WatchLoop(); });
}

void DependencyHealth::Stop() {
  stop_.Set();
  if (prober_.joinable()) prober_.join();
  if (watcher_.joinable()) watcher_.join();
}

bool DependencyHealth::healthy() const {
  absl::MutexLock lock(&change_mu_);
  return healthy_;
}

void DependencyHealth::ProbeLoop() {
  for (;;) {
    absl::Time start = absl::Now();
    if (stop_.IsSet()) return;
    {
      absl::MutexLock lock(&mu_);
      in_flight_ = true;
      started_ = start;
    }
    absl::Status status = probe_();
    absl::Duration took = absl::Now() - start;
    {
      absl::MutexLock lock(&mu_);
      in_flight_ = false;
    }
    if (!status.ok()) {
      Set(false, std::string(status.message()));
    } else if (took > options_.timeout) {
      Set(false, absl::StrCat("answered in ", absl::FormatDuration(took), ", over the ",
                              absl::FormatDuration(options_.timeout), " timeout"));
    } else {
      Set(true, "");
    }
    if (stop_.WaitFor(options_.interval)) return;
  }
}

void DependencyHealth::WatchLoop() {
  const absl::Duration tick =
      std::max(absl::Milliseconds(10), std::min(absl::Milliseconds(250), options_.timeout / 4));
  for (;;) {
    bool late = false;
    absl::Duration waited;
    if (stop_.WaitFor(tick)) return;
    {
      absl::MutexLock lock(&mu_);
      waited = absl::Now() - started_;
      late = in_flight_ && waited > options_.timeout;
    }
    if (late) {
      Set(false, absl::StrCat("no answer within the ", absl::FormatDuration(options_.timeout),
                              " timeout"));
    }
  }
}

void DependencyHealth::Set(bool healthy, const std::string& reason) {
  absl::MutexLock lock(&change_mu_);
  if (healthy == healthy_) return;
  healthy_ = healthy;
  on_change_(healthy, reason);
}

}  // namespace statuscast
