// Rows of the incident tables <-> the incident model (internal to
// libs/pgstore): timestamps are stored as Unix microseconds, states, kinds,
// channels and promise outcomes by name. pg_incident_store.cc reads and
// writes with these; nothing else includes this header.
#ifndef STATUSCAST_LIBS_PGSTORE_INCIDENT_ROWS_H_
#define STATUSCAST_LIBS_PGSTORE_INCIDENT_ROWS_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/model.h"

namespace statuscast {
namespace pgstore_internal {

absl::Time TimeAt(const pqxx::field& f);
absl::optional<absl::Time> OptTimeAt(const pqxx::field& f);

// The enum a stored name spells, or the enum's zero value for a name this
// release does not know.
template <typename Enum>
Enum ParseOr(const std::string& text, bool (*parse)(const std::string&, Enum*)) {
  Enum e{};
  parse(text, &e);
  return e;
}

const char* PromiseName(PromiseOutcome p);
std::string ChannelsText(const std::vector<Channel>& channels);
// The channels ChannelsText wrote (names this release does not know are
// left out).
std::vector<Channel> ChannelsFromText(const std::string& text);
// The columns of kIncidentColumns / kUpdateColumns, in that order.
Incident IncidentFromRow(const pqxx::row& r);
// NOT_FOUND for incident `ref`, saying what references look like.
absl::Status NoSuchIncident(const std::string& ref);
Update UpdateFromRow(const pqxx::row& r);

}  // namespace pgstore_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_INCIDENT_ROWS_H_
