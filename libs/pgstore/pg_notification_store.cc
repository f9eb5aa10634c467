#include "libs/pgstore/pg_notification_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/base/status_macros.h"
#include "libs/pgstore/incident_rows.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {

using pgstore_internal::OptTimeAt;
using pgstore_internal::TimeAt;

// SubscriberFromRow reads these, from column `first` on.
#define SUBSCRIBER_COLUMNS(s)                                                                \
  s ".id, " s ".kind, " s ".destination, " s ".destination_host, " s                         \
    ".all_components, "                                                                      \
    "array_to_string(" s ".components, ','), " s ".confirmed, " s ".webhook_secret, " s      \
    ".source, " PG_MICROS(s ".created_at") ", " PG_MICROS(s ".confirmed_at") ", " PG_MICROS( \
        s ".confirmation_sent_at") ", " PG_MICROS(s ".unsubscribed_at") ", " s               \
                                                                        ".unsubscribe_reason"
constexpr int kSubscriberColumnCount = 14;

constexpr char kInsertSubscriber[] =
    "INSERT INTO subscribers (id, kind, destination, destination_host, all_components, "
    "components, confirmed, webhook_secret, source, created_at, confirmed_at, "
    "confirmation_sent_at) VALUES ($1, $2, $3, $4, $5, coalesce(string_to_array(NULLIF($6, ''), "
    "','), '{}'), $7, "
    "$8, $9, $10::timestamptz, NULLIF($11, '')::timestamptz, NULLIF($12, '')::timestamptz)";

constexpr char kInsertConfirmation[] =
    "INSERT INTO notification_deliveries (id, subscriber_id, purpose, created_at, "
    "next_attempt_at, mail) VALUES ($1, $2, 'confirmation', $3::timestamptz, $3::timestamptz, "
    "true)";

constexpr char kResendConfirmation[] =
    "WITH s AS (UPDATE subscribers SET confirmation_sent_at = $3::timestamptz WHERE id = $1 "
    "AND NOT confirmed AND unsubscribed_at IS NULL AND (confirmation_sent_at IS NULL OR "
    "confirmation_sent_at <= $4::timestamptz) RETURNING id) "
    "INSERT INTO notification_deliveries (id, subscriber_id, purpose, created_at, "
    "next_attempt_at, mail) SELECT $2, s.id, 'confirmation', $3::timestamptz, $3::timestamptz, "
    "true FROM s";

constexpr char kConfirm[] =
    "UPDATE subscribers SET confirmed = true, confirmed_at = coalesce(confirmed_at, "
    "$2::timestamptz) WHERE id = $1 AND unsubscribed_at IS NULL";

constexpr char kUnsubscribe[] =
    "UPDATE subscribers SET unsubscribed_at = $2::timestamptz, unsubscribe_reason = $3 "
    "WHERE id = $1 AND unsubscribed_at IS NULL";
constexpr char kDropQueued[] =
    "UPDATE notification_deliveries SET state = 'unsubscribed', finished_at = $2::timestamptz, "
    "claimed_until = NULL, last_detail = 'not sent: the subscriber unsubscribed' "
    "WHERE subscriber_id = $1 AND state = 'pending'";

constexpr char kSelectDeliveries[] =
    "SELECT d.id, d.purpose, coalesce(n.event, ''), coalesce(n.content->>'ref', ''), d.state, "
    "d.attempts, " PG_MICROS("d.created_at") ", " PG_MICROS("d.next_attempt_at") ", " PG_MICROS(
        "d.last_attempt_at") ", " PG_MICROS("d.finished_at") ", d.last_status, d.last_detail "
    "FROM notification_deliveries d LEFT JOIN notifications n ON n.id = d.notification_id "
    "WHERE d.subscriber_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT $2";

// $1 now, $2 limit, $3 lease end, $4 webhook hosts to leave out. One
// statement: pick the oldest due rows in index order (skipping rows another
// claim holds), lease those whose subscriber is still subscribed and return
// what to send; a row whose subscriber has unsubscribed (queued by an update
// that committed alongside the unsubscribe) is ended instead of sent.
// kClaimMail and kClaimNotMail each read their own index
// (migrations/0035_*), so mail and the rest are claimed side by side and a
// claim while the SMTP relay is busy does not step over the queued mail.
#define CLAIM(mail_condition, host_condition)                                               \
  "WITH batch AS (SELECT d.id, d.notification_id, d.subscriber_id "                          \
  "  FROM notification_deliveries d "                                                       \
  "  WHERE d.state = 'pending' AND d.next_attempt_at <= $1::timestamptz "                   \
  "    AND (d.claimed_until IS NULL OR d.claimed_until < $1::timestamptz) "                 \
  "    AND " mail_condition " AND " host_condition " "                                      \
  "  ORDER BY d.next_attempt_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED), "                    \
  "ended AS (UPDATE notification_deliveries o SET state = 'unsubscribed', "                 \
  "  finished_at = $1::timestamptz, last_detail = 'not sent: the subscriber unsubscribed' " \
  "  FROM batch JOIN subscribers s ON s.id = batch.subscriber_id "                          \
  "  WHERE o.id = batch.id AND s.unsubscribed_at IS NOT NULL) "                             \
  "UPDATE notification_deliveries o SET claimed_until = $3::timestamptz "                   \
  "FROM batch JOIN subscribers s ON s.id = batch.subscriber_id "                            \
  "  LEFT JOIN notifications n ON n.id = batch.notification_id "                            \
  "WHERE o.id = batch.id AND s.unsubscribed_at IS NULL "                                    \
  "RETURNING o.id, o.purpose, " PG_MICROS("o.created_at") ", o.attempts, coalesce(n.event, ''), "  \
  "  coalesce(n.content->>'ref', ''), coalesce(n.content->>'title', ''), "                  \
  "  coalesce(n.content->>'state', ''), coalesce(n.content->>'severity', ''), "             \
  "  coalesce((n.content->>'created_at_us')::int8, 0), coalesce(n.content->>'update_id', ''), " \
  "  coalesce(n.content->>'message', ''), coalesce((n.content->>'update_at_us')::int8, 0), " \
  "  (n.content->>'next_update_by_us')::int8, "                                              \
  "  coalesce((SELECT string_agg((e->>'name') || '=' || (e->>'status'), ',') "              \
  "            FROM jsonb_array_elements(n.content->'components') e), ''), " SUBSCRIBER_COLUMNS("s")

constexpr char kClaimMail[] = CLAIM("d.mail", "$4::text[] IS NOT NULL");
constexpr char kClaimNotMail[] = CLAIM("NOT d.mail", "d.host <> ALL($4::text[])");

#undef CLAIM

constexpr char kDefer[] =
    "UPDATE notification_deliveries SET claimed_until = NULL, next_attempt_at = $2::timestamptz "
    "WHERE id = ANY($1::text[]) AND state = 'pending'";

constexpr char kRecordAttempt[] =
    "UPDATE notification_deliveries SET state = $2, attempts = $3, "
    "last_attempt_at = $4::timestamptz, "
    "next_attempt_at = CASE WHEN $2 = 'pending' THEN $5::timestamptz ELSE next_attempt_at END, "
    "finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE $4::timestamptz END, "
    "claimed_until = NULL, last_status = $6, last_detail = $7 WHERE id = $1 AND state = 'pending'";

// The same as kRecordAttempt for many rows: $1..$7 are arrays, one element
// per delivery.
constexpr char kRecordAttempts[] =
    "UPDATE notification_deliveries d SET state = v.state, attempts = v.attempts, "
    "last_attempt_at = v.at, "
    "next_attempt_at = CASE WHEN v.state = 'pending' THEN v.next ELSE d.next_attempt_at END, "
    "finished_at = CASE WHEN v.state = 'pending' THEN NULL ELSE v.at END, "
    "claimed_until = NULL, last_status = v.status, last_detail = v.detail "
    "FROM unnest($1::text[], $2::text[], $3::int4[], $4::timestamptz[], $5::timestamptz[], "
    "            $6::int4[], $7::text[]) AS v(id, state, attempts, at, next, status, detail) "
    "WHERE d.id = v.id AND d.state = 'pending'";

constexpr char kStats[] =
    "SELECT count(*), " PG_MICROS("min(created_at)") " FROM notification_deliveries "
    "WHERE state = 'pending'";

SubscriberRecord SubscriberFromRow(const pqxx::row& r, int first) {
  SubscriberRecord s;
  s.subscription.id = r[first].as<std::string>();
  ParseSubscriberKind(r[first + 1].as<std::string>(), &s.subscription.kind);
  s.subscription.destination = r[first + 2].as<std::string>();
  s.destination_host = r[first + 3].as<std::string>();
  s.subscription.scope.all = r[first + 4].as<bool>();
  s.subscription.scope.components =
      absl::StrSplit(r[first + 5].as<std::string>(), ',', absl::SkipEmpty());
  s.subscription.confirmed = r[first + 6].as<bool>();
  s.webhook_secret = r[first + 7].as<std::string>();
  s.source = r[first + 8].as<std::string>();
  s.created_at = TimeAt(r[first + 9]);
  s.confirmed_at = OptTimeAt(r[first + 10]);
  s.confirmation_sent_at = OptTimeAt(r[first + 11]);
  s.unsubscribed_at = OptTimeAt(r[first + 12]);
  s.unsubscribe_reason = r[first + 13].as<std::string>();
  return s;
}

std::string TextArray(const std::vector<std::string>& items) {
  // Ids are made of [A-Za-z0-9_]: no quoting needed.
  return absl::StrCat("{", absl::StrJoin(items, ","), "}");
}

// A PostgreSQL array literal of any strings: every element quoted, with
// backslash and double quote escaped.
std::string QuotedArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char ch : items[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

absl::Status NoSubscriber(const std::string& id) {
  return absl::NotFoundError(absl::StrCat(
      "no subscriber ", id, " (ids look like sub_...; statuscastctl subscribers list shows them)"));
}

}  // namespace

absl::Status PgNotificationStore::AddSubscriber(
    const SubscriberRecord& rec, const absl::optional<std::string>& confirmation_id) {
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    const Subscription& s = rec.subscription;
    w.exec_params(kInsertSubscriber, s.id, SubscriberKindName(s.kind), s.destination,
                  rec.destination_host, s.scope.all, absl::StrJoin(s.scope.components, ","),
                  s.confirmed, rec.webhook_secret, rec.source, TimeParam(rec.created_at),
                  NullableTimeParam(rec.confirmed_at),
                  NullableTimeParam(confirmation_id ? absl::optional<absl::Time>(rec.created_at)
                                                    : rec.confirmation_sent_at));
    if (confirmation_id) {
      w.exec_params(kInsertConfirmation, *confirmation_id, s.id, TimeParam(rec.created_at));
    }
    w.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<SubscriberRecord> PgNotificationStore::GetSubscriber(const std::string& id) {
  SubscriberRecord out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", SUBSCRIBER_COLUMNS("s"), " FROM subscribers s WHERE s.id = $1"),
        id);
    if (r.empty()) return NoSubscriber(id);
    out = SubscriberFromRow(r[0], 0);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<absl::optional<SubscriberRecord>> PgNotificationStore::FindLive(
    SubscriberKind kind, const std::string& destination) {
  absl::optional<SubscriberRecord> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", SUBSCRIBER_COLUMNS("s"),
                     " FROM subscribers s WHERE s.kind = $1 AND lower(s.destination) = lower($2) "
                     "AND s.unsubscribed_at IS NULL"),
        SubscriberKindName(kind), destination);
    if (!r.empty()) out = SubscriberFromRow(r[0], 0);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<SubscriberRecord>> PgNotificationStore::ListSubscribers(
    bool include_unsubscribed) {
  std::vector<SubscriberRecord> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", SUBSCRIBER_COLUMNS("s"),
                     " FROM subscribers s WHERE $1 OR s.unsubscribed_at IS NULL "
                     "ORDER BY s.created_at, s.id"),
        include_unsubscribed);
    for (const pqxx::row& row : r) out.push_back(SubscriberFromRow(row, 0));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<bool> PgNotificationStore::ResendConfirmation(const std::string& subscriber_id,
                                                             const std::string& confirmation_id,
                                                             absl::Time now,
                                                             absl::Time not_after) {
  bool queued = false;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    pqxx::result r = w.exec_params(kResendConfirmation, subscriber_id, confirmation_id,
                                   TimeParam(now), TimeParam(not_after));
    w.commit();
    queued = r.affected_rows() > 0;
    return absl::OkStatus();
  }));
  return queued;
}

absl::Status PgNotificationStore::Confirm(const std::string& subscriber_id, absl::Time at) {
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    pqxx::result r = w.exec_params(kConfirm, subscriber_id, TimeParam(at));
    w.commit();
    if (r.affected_rows() == 0) return NoSubscriber(subscriber_id);
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> PgNotificationStore::Unsubscribe(const std::string& subscriber_id,
                                                      absl::Time at, const std::string& reason) {
  bool ended = false;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    ended = w.exec_params(kUnsubscribe, subscriber_id, TimeParam(at), reason).affected_rows() > 0;
    if (!ended && w.exec_params("SELECT 1 FROM subscribers WHERE id = $1", subscriber_id).empty()) {
      return NoSubscriber(subscriber_id);
    }
    // Also when it had ended already: nothing queued survives an unsubscribe.
    w.exec_params(kDropQueued, subscriber_id, TimeParam(at));
    w.commit();
    return absl::OkStatus();
  }));
  return ended;
}

absl::StatusOr<std::vector<DeliveryRecord>> PgNotificationStore::ListDeliveries(
    const std::string& subscriber_id, int limit) {
  std::vector<DeliveryRecord> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    if (tx.exec_params("SELECT 1 FROM subscribers WHERE id = $1", subscriber_id).empty()) {
      return NoSubscriber(subscriber_id);
    }
    for (const pqxx::row& r : tx.exec_params(kSelectDeliveries, subscriber_id, limit)) {
      DeliveryRecord d;
      d.id = r[0].as<std::string>();
      d.purpose = r[1].as<std::string>();
      d.event = r[2].as<std::string>();
      d.incident_ref = r[3].as<std::string>();
      d.state = r[4].as<std::string>();
      d.attempts = r[5].as<int>();
      d.created_at = TimeAt(r[6]);
      d.next_attempt_at = TimeAt(r[7]);
      d.last_attempt_at = OptTimeAt(r[8]);
      d.finished_at = OptTimeAt(r[9]);
      d.last_status = r[10].as<int>();
      d.last_detail = r[11].as<std::string>();
      out.push_back(std::move(d));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<ClaimedDelivery>> PgNotificationStore::Claim(int limit, absl::Time now,
                                                                        absl::Duration lease,
                                                                        const ClaimSkips& skip) {
  std::vector<ClaimedDelivery> out;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    out.clear();
    pqxx::work w(c);
    c.prepare("claim_mail", kClaimMail);
    c.prepare("claim_not_mail", kClaimNotMail);
    const std::string hosts = QuotedArray(skip.hosts);
    pqxx::result mail;
    const int most_mail = skip.email ? 0 : std::min(limit, skip.most_mail);
    if (most_mail > 0) {
      mail = w.exec_prepared("claim_mail", TimeParam(now), most_mail, TimeParam(now + lease),
                             hosts);
    }
    pqxx::result rest;
    const int left = limit - static_cast<int>(mail.size());
    if (left > 0) {
      rest = w.exec_prepared("claim_not_mail", TimeParam(now), left, TimeParam(now + lease),
                             hosts);
    }
    w.commit();
    for (const pqxx::result* r : {&mail, &rest}) {
      for (const pqxx::row& row : *r) {
        ClaimedDelivery d;
        d.id = row[0].as<std::string>();
        d.purpose = row[1].as<std::string>();
        d.created_at = TimeAt(row[2]);
        d.attempts = row[3].as<int>();
        NotificationContent& n = d.content;
        n.notification_id = d.id;
        ParseNotificationEvent(row[4].as<std::string>(), &n.event);
        n.incident_ref = row[5].as<std::string>();
        n.incident_title = row[6].as<std::string>();
        n.incident_state = row[7].as<std::string>();
        n.severity = row[8].as<std::string>();
        n.incident_created_at = TimeAt(row[9]);
        n.update_id = row[10].as<std::string>();
        n.message = row[11].as<std::string>();
        n.update_created_at = TimeAt(row[12]);
        n.next_update_by = OptTimeAt(row[13]);
        for (absl::string_view item :
             absl::StrSplit(row[14].as<std::string>(), ',', absl::SkipEmpty())) {
          std::pair<std::string, std::string> name_status = absl::StrSplit(item, '=');
          n.affected_components.push_back({name_status.first, name_status.second});
        }
        d.subscriber = SubscriberFromRow(row, 15);
        out.push_back(std::move(d));
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PgNotificationStore::Defer(const std::vector<std::string>& delivery_ids,
                                        absl::Time due) {
  if (delivery_ids.empty()) return absl::OkStatus();
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    w.exec_params(kDefer, TextArray(delivery_ids), TimeParam(due));
    w.commit();
    return absl::OkStatus();
  });
}

absl::Status PgNotificationStore::RecordAttempt(const AttemptOutcome& o) {
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    c.prepare("record_attempt", kRecordAttempt);
    w.exec_prepared("record_attempt", o.delivery_id, o.state, o.attempts,
                    TimeParam(o.attempted_at), TimeParam(o.next_attempt_at), o.status_code,
                    o.detail);
    w.commit();
    return absl::OkStatus();
  });
}

absl::Status PgNotificationStore::RecordAttempts(const std::vector<AttemptOutcome>& outcomes) {
  if (outcomes.empty()) return absl::OkStatus();
  std::vector<std::string> ids, states, attempts, at, next, status, detail;
  for (const AttemptOutcome& o : outcomes) {
    ids.push_back(o.delivery_id);
    states.push_back(o.state);
    attempts.push_back(std::to_string(o.attempts));
    at.push_back(TimeParam(o.attempted_at));
    next.push_back(TimeParam(o.next_attempt_at));
    status.push_back(std::to_string(o.status_code));
    detail.push_back(o.detail);
  }
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    c.prepare("record_attempts", kRecordAttempts);
    w.exec_prepared("record_attempts", QuotedArray(ids), QuotedArray(states),
                    QuotedArray(attempts), QuotedArray(at), QuotedArray(next), QuotedArray(status),
                    QuotedArray(detail));
    w.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<QueueStats> PgNotificationStore::Stats(absl::Time now) {
  QueueStats out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::row r = tx.exec1(kStats);
    out.pending = r[0].as<int64_t>();
    absl::optional<absl::Time> oldest = OptTimeAt(r[1]);
    out.oldest_pending_age =
        oldest ? std::max(absl::ZeroDuration(), now - *oldest) : absl::ZeroDuration();
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace statuscast
