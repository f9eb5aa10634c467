#include "libs/pgstore/notification_outbox.h"

#include <pqxx/pqxx>

#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {

// $1 change id, $2 event, $3 incident id, $4 update id (0: none), $5 the
// write's time. One statement: the snapshot and its fan-out.
constexpr char kEnqueue[] =
    "WITH n AS ("
    " INSERT INTO notifications (change_id, event, incident_id, update_id, content, created_at)"
    " SELECT $1, $2, i.id, u.id, jsonb_build_object("
    "   'ref', i.ref, 'title', i.title, 'state', coalesce(u.state, i.state),"
    "   'severity', 'SEV-' || coalesce(u.severity, i.severity),"
    "   'created_at_us', " PG_MICROS("i.declared_at") ","
    "   'update_id', coalesce(u.id::text, ''),"
    "   'message', coalesce(u.message, 'The postmortem is published' ||"
    "              CASE WHEN coalesce(p.url, '') <> '' THEN ': ' || p.url ELSE '.' END),"
    "   'update_at_us', " PG_MICROS("coalesce(u.posted_at, $5::timestamptz)") ","
    "   'next_update_by_us', " PG_MICROS("u.next_update_at") ","
    "   'components', coalesce((SELECT jsonb_agg(jsonb_build_object('name', c.name, 'status',"
    "                  ic.status) ORDER BY ic.position) FROM incident_components ic"
    "                  JOIN components c ON c.id = ic.component_id"
    "                  WHERE ic.incident_id = i.id), '[]'::jsonb)),"
    "   $5::timestamptz"
    " FROM incidents i"
    " LEFT JOIN incident_updates u ON u.id = NULLIF($4::int8, 0)"
    " LEFT JOIN postmortems p ON p.incident_id = i.id"
    " WHERE i.id = $3 AND ($2 <> 'incident.updated' OR"
    "       string_to_array(u.channels, ',') && ARRAY['status_page', 'public'])"
    " RETURNING id, created_at,"
    "   ARRAY(SELECT jsonb_array_elements(content->'components')->>'name') AS names)"
    " INSERT INTO notification_deliveries (id, notification_id, subscriber_id, purpose,"
    "                                      created_at, next_attempt_at, mail, host)"
    " SELECT 'msg_' || n.id || '_' || s.id, n.id, s.id, 'notification', n.created_at,"
    "        n.created_at, s.kind = 'email',"
    "        CASE WHEN s.kind = 'email' THEN '' ELSE s.destination_host END"
    " FROM n JOIN subscribers s ON s.confirmed AND s.unsubscribed_at IS NULL"
    "  AND (s.all_components OR s.components && n.names)";

}  // namespace

const char* NotificationEventFor(const MutationRecord& m) {
  if (m.kind == "updated" || (m.kind == "declared" && m.update_id != 0)) {
    return "incident.updated";
  }
  if (m.kind == "resolved") return "incident.resolved";
  if (m.kind == "reopened") return "incident.reopened";
  if (m.kind == "postmortem_published") return "incident.postmortem_published";
  return nullptr;
}

int64_t EnqueueNotifications(pqxx::transaction_base& w, const MutationRecord& m,
                             int64_t change_id) {
  const char* event = NotificationEventFor(m);
  if (event == nullptr) return 0;
  w.conn().prepare("enqueue_notifications", kEnqueue);  // a no-op once prepared
  pqxx::result r = w.exec_prepared("enqueue_notifications", change_id, std::string(event),
                                   m.incident_id, m.update_id, TimeParam(m.at));
  return r.affected_rows();
}

}  // namespace statuscast
