// PgReminderStore: reminders raised once (unique per incident, kind and due
// time, whichever replica raises them) and read back by id for streams.
// Thread safety: safe to share.
#ifndef STATUSCAST_LIBS_PGSTORE_PG_REMINDER_STORE_H_
#define STATUSCAST_LIBS_PGSTORE_PG_REMINDER_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/model.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {

struct StoredReminder {
  int64_t id = 0;
  std::string kind;  // ReminderKindName
  std::string incident_ref;
  std::string title;
  Severity severity = Severity::kUnspecified;
  absl::Time due;
  absl::Time raised_at;
  std::string text;
  std::string suggested_message;
};

class PgReminderStore {
 public:
  explicit PgReminderStore(PgPool& pool) : pool_(pool) {}

  // The new reminder's id, or nullopt when it was raised before.
  absl::StatusOr<absl::optional<int64_t>> Raise(const std::string& incident_ref,
                                                const std::string& kind, absl::Time due,
                                                absl::Time raised_at, const std::string& text,
                                                const std::string& suggested_message);
  // Reminders with id > after_id, oldest first.
  absl::StatusOr<std::vector<StoredReminder>> ReadAfter(int64_t after_id, int limit);
  // Reminders raised since `since` that still stand (a new watcher's
  // starting point): the incident is open and the promise (or the first
  // communication) they are about is still unanswered, it still has no
  // communications lead, or the draft is still waiting. Also the newest id.
  absl::StatusOr<std::vector<StoredReminder>> RecentForOpen(absl::Time since, int64_t* newest_id);

 private:
  PgPool& pool_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_PG_REMINDER_STORE_H_
