// The statuscastctl subcommands over a statuscast.v1.IncidentService stub
// (and the ComplianceService served at the same address, for report and
// watch's reminders).
//
// CommandRunner::Run takes the positional arguments (subcommand first: a
// name or an alias of the table of commands, command_table.h) and
// the options already read from flags and the environment, calls the server,
// prints human text (or protobuf JSON with --json) to `out` and failures to
// `err` as "statuscastctl: ...", and returns the process exit code
// (rpc_errors.h). Writes that change an existing incident first read it with
// GetIncident to learn its version, severity and state, so a responder never
// types a version. Thread safety: one Run at a time per runner.
#ifndef STATUSCAST_SERVICES_CTL_COMMANDS_H_
#define STATUSCAST_SERVICES_CTL_COMMANDS_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/ctl/ctl_options.h"
#include "statuscast/v1/banner.grpc.pb.h"
#include "statuscast/v1/compliance.grpc.pb.h"
#include "statuscast/v1/incident.grpc.pb.h"
#include "statuscast/v1/subscriber.grpc.pb.h"
#include "statuscast/v1/maintenance.grpc.pb.h"
#include "statuscast/v1/token.grpc.pb.h"

namespace statuscast {
class Clock;

namespace ctl {

class CommandRunner {
 public:
  // `channel` is used only by watch to tell "never reached" from "lost";
  // it may be null. All pointers must outlive the runner.
  CommandRunner(CtlOptions options, v1::IncidentService::StubInterface* stub,
                grpc::ChannelInterface* channel, const Clock* clock, std::ostream* out,
                std::ostream* err);

  int Run(const std::vector<std::string>& args);

  // banner and killswitch talk to statuscast-banner through this stub;
  // without one they refuse (exit 2, nothing sent). It must outlive the runner.
  void set_banner_stub(v1::BannerAdminService::StubInterface* stub) { banner_stub_ = stub; }
  // report and watch's reminders use this stub (statuscast-comms serves
  // ComplianceService on the IncidentService address); without one report
  // fails and watch follows incidents only. It must outlive the runner.
  void set_compliance_stub(v1::ComplianceService::StubInterface* stub) { compliance_stub_ = stub; }
  // token talks to statuscast-comms' TokenService through this stub;
  // without one it fails. It must outlive the runner.
  void set_token_stub(v1::TokenService::StubInterface* stub) { token_stub_ = stub; }
  // subscribers talks to statuscast-comms' SubscriberService through this
  // stub; without one it refuses. It must outlive the runner.
  void set_subscriber_stub(v1::SubscriberService::StubInterface* stub) { subscriber_stub_ = stub; }
  // maintenance talks to statuscast-comms' MaintenanceService through this
  // stub; without one it refuses. It must outlive the runner.
  void set_maintenance_stub(v1::MaintenanceService::StubInterface* stub) {
    maintenance_stub_ = stub;
  }
  // Where lint reads a draft from when --file is not given (default stdin).
  void set_input(std::istream* in) { in_ = in; }

  // The handlers, one per row of the command table (command_table.h), in
  // files by subject: incident_write_commands.cc, incident_read_commands.cc,
  // lint_commands.cc, banner_commands.cc, component_commands.cc,
  // review_commands.cc; Token runs token_commands.h. args[0] is the command's name.
  int Declare(const std::vector<std::string>& args);
  int Update(const std::vector<std::string>& args);
  int Resolve(const std::vector<std::string>& args);
  int Reopen(const std::vector<std::string>& args);
  int Severity(const std::vector<std::string>& args);
  int Postmortem(const std::vector<std::string>& args);
  int Correct(const std::vector<std::string>& args);
  int Show(const std::vector<std::string>& args);
  int List(const std::vector<std::string>& args);
  int Component(const std::vector<std::string>& args);
  int Watch(const std::vector<std::string>& args);
  int Report(const std::vector<std::string>& args);
  int Lint(const std::vector<std::string>& args);
  int Template(const std::vector<std::string>& args);
  int Banner(const std::vector<std::string>& args);
  int KillSwitch(const std::vector<std::string>& args);
  int Token(const std::vector<std::string>& args);
  int Subscribers(const std::vector<std::string>& args);  // subscriber_commands.cc
  int Maintenance(const std::vector<std::string>& args);  // maintenance_commands.cc
  // review_commands.cc
  int Roles(const std::vector<std::string>& args);
  int Draft(const std::vector<std::string>& args);
  int Drafts(const std::vector<std::string>& args);
  int Approve(const std::vector<std::string>& args);
  int Reject(const std::vector<std::string>& args);
  int Audit(const std::vector<std::string>& args);

 private:
  // The ManualBanner fields the banner flags give, over `banner`.
  bool ApplyBannerFlags(v1::ManualBanner* banner, int* code);

  // Reads the incident named by args[1]; false after reporting a failure
  // (exit code in *code).
  bool Fetch(const std::vector<std::string>& args, const std::string& command,
             v1::Incident* incident, int* code);
  // The draft of a customer-facing update from --message, --banner,
  // --channels, --next, --state, --no-progress; without --next it asks the
  // server for its default promise (use_default_next_update).
  bool BuildDraft(v1::IncidentState default_state, const std::string& default_channels,
                  v1::UpdateDraft* draft, int* code);
  // postmortem --versions: every published version of args[1]'s postmortem.
  int PostmortemVersions(const std::vector<std::string>& args);
  // template --edit: opens the filled message of incident `ref` in
  // $VISUAL/$EDITOR and puts the saved text in `filled`; exit 2 (nothing
  // sent, naming them) while a placeholder is left or when the text is empty.
  int EditTemplate(const std::string& ref, v1::FillTemplateResponse* filled);

  template <typename Stub, typename Req, typename Resp>
  int CallOn(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
             const Req& request, Resp* response, const std::string& action,
             const std::string& incident_ref, const std::string& idempotency_key);
  template <typename Req, typename Resp>
  int Call(grpc::Status (v1::IncidentService::StubInterface::*method)(grpc::ClientContext*,
                                                                      const Req&, Resp*),
           const Req& request, Resp* response, const std::string& action,
           const std::string& incident_ref, const std::string& idempotency_key);

  // Reports `message` and the command's usage on err; returns kExitUsage (2).
  int UsageError(const std::string& command, const std::string& message);
  // Sends `req`, a write of the existing incident `inc`, with its guard (the
  // reference, the version read, the author and the idempotency key), and
  // prints the answer as `verb` ("updated"); returns the exit code.
  template <typename Req>
  int WriteExisting(grpc::Status (v1::IncidentService::StubInterface::*method)(
                        grpc::ClientContext*, const Req&, v1::WriteIncidentResponse*),
                    const v1::Incident& inc, Req& req, const std::string& action,
                    const std::string& verb);
  // The usage error of a flag whose value did not parse: "--flag: why".
  int FlagError(const std::string& flag, const absl::Status& why);
  // A refusal before anything is sent: the stub `what` needs is missing.
  int NoConnection(const std::string& what);
  int PrintWrite(const std::string& verb, const v1::WriteIncidentResponse& response);
  void PrintJson(const google::protobuf::Message& message);
  std::string IdempotencyKey();

  CtlOptions options_;
  v1::IncidentService::StubInterface* stub_;
  grpc::ChannelInterface* channel_;
  const Clock* clock_;
  std::ostream* out_;
  std::ostream* err_;
  std::string idempotency_key_;
  std::string command_;  // the subcommand being run
  v1::BannerAdminService::StubInterface* banner_stub_ = nullptr;
  v1::ComplianceService::StubInterface* compliance_stub_ = nullptr;
  v1::TokenService::StubInterface* token_stub_ = nullptr;
  v1::SubscriberService::StubInterface* subscriber_stub_ = nullptr;
  v1::MaintenanceService::StubInterface* maintenance_stub_ = nullptr;
  std::istream* in_;
};

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_COMMANDS_H_
