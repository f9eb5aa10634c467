#include "libs/pgstore/update_revisions.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/pgstore/incident_rows.h"
#include "libs/pgstore/pg_pool.h"
#include "libs/proto_convert/lint_proto.h"

namespace statuscast {
namespace pgstore_internal {
namespace {

constexpr char kSelectRevisions[] =
    "SELECT update_id, revision, message, banner_text, "
    "(extract(epoch from revised_at) * 1000000)::int8, author, reason FROM update_revisions "
    "WHERE update_id = ANY($1::int8[]) ORDER BY update_id, revision";

constexpr char kInsertRevision[] =
    "INSERT INTO update_revisions (update_id, revision, message, banner_text, revised_at, author, "
    "reason) VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7) "
    "ON CONFLICT (update_id, revision) DO NOTHING";

constexpr char kSaveCorrected[] =
    "UPDATE incident_updates SET message = $2, banner_text = $3, lint_findings = $4::jsonb, "
    "lint_override_reason = $5, third_party_confirmed = $6 WHERE id = $1";

}  // namespace

void LoadRevisions(pqxx::transaction_base& tx, const std::vector<Update*>& updates) {
  if (updates.empty()) return;
  std::vector<std::string> ids;
  for (const Update* u : updates) ids.push_back(absl::StrCat(u->id));
  for (const pqxx::row& r :
       tx.exec_params(kSelectRevisions, absl::StrCat("{", absl::StrJoin(ids, ","), "}"))) {
    const int64_t id = r[0].as<int64_t>();
    for (Update* u : updates) {
      if (u->id != id) continue;
      u->revisions.push_back(UpdateRevision{r[1].as<int>(), r[2].as<std::string>(),
                                            r[3].as<std::string>(), TimeAt(r[4]),
                                            r[5].as<std::string>(), r[6].as<std::string>()});
    }
  }
}

void WriteCorrection(pqxx::transaction_base& tx, const Update& u) {
  tx.exec_params(kSaveCorrected, u.id, u.message, u.banner_text,
                 lint::FindingsToJson(u.lint_findings), u.lint_override_reason,
                 u.third_party_confirmed);
  for (const UpdateRevision& r : u.revisions) {
    tx.exec_params(kInsertRevision, u.id, r.number, r.message, r.banner_text, TimeParam(r.at),
                   r.author, r.reason);
  }
}

}  // namespace pgstore_internal
}  // namespace statuscast
