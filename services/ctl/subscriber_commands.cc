// statuscastctl subscribers list|add|remove|deliveries (statuscast-comms'
// SubscriberService; every call needs an admin token).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/base/proto_time.h"
#include "libs/base/time_text.h"
#include "services/ctl/command_support.h"
#include "services/ctl/commands.h"
#include "services/ctl/inputs.h"

namespace statuscast {
namespace ctl {
namespace {

std::string Utc(const google::protobuf::Timestamp& ts) {
  return FormatUtcMinute(TimeFromProto(ts));
}

const char* KindText(v1::SubscriberKind k) {
  switch (k) {
    case v1::SUBSCRIBER_KIND_EMAIL:
      return "email";
    case v1::SUBSCRIBER_KIND_WEBHOOK:
      return "webhook";
    case v1::SUBSCRIBER_KIND_SLACK:
      return "slack";
    default:
      return "?";
  }
}

std::string StateText(const v1::Subscriber& s) {
  if (s.has_unsubscribed_at()) return "unsubscribed";
  return s.confirmed() ? "active" : "unconfirmed";
}

}  // namespace

int CommandRunner::Subscribers(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (subscriber_stub_ == nullptr) return NoConnection("statuscast-comms (SubscriberService)");
  const std::string sub = args.size() > 1 ? args[1] : "list";
  if (o.given.count("components") && sub != "add") {
    return UsageError("subscribers", "--components goes with subscribers add");
  }
  if (o.given.count("limit") && sub != "deliveries") {
    return UsageError("subscribers", "--limit goes with subscribers deliveries");
  }
  if (sub == "list") {
    if (args.size() > 2) return UsageError("subscribers", "subscribers list takes no arguments");
    v1::ListSubscribersResponse resp;
    int code = CallOn(subscriber_stub_, &v1::SubscriberService::StubInterface::ListSubscribers,
                      v1::ListSubscribersRequest(), &resp, "list subscribers", "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
      return kExitOk;
    }
    *out_ << absl::StrFormat("%-32s %-7s %-11s %-17s %-20s %s\n", "ID", "KIND", "STATE",
                             "CREATED", "COMPONENTS", "DESTINATION");
    for (const v1::Subscriber& s : resp.subscribers()) {
      *out_ << absl::StrFormat(
          "%-32s %-7s %-11s %-17s %-20s %s\n", s.id(), KindText(s.kind()), StateText(s),
          Utc(s.created_at()),
          s.components_size() == 0 ? "(all)" : absl::StrJoin(s.components(), ","),
          s.destination());
    }
    return kExitOk;
  }
  if (sub == "add") {
    if (args.size() != 4) {
      return UsageError("subscribers",
                        "subscribers add needs a kind (email, webhook or slack) and a destination");
    }
    v1::AddSubscriberRequest req;
    if (args[2] == "email") {
      req.set_kind(v1::SUBSCRIBER_KIND_EMAIL);
    } else if (args[2] == "webhook") {
      req.set_kind(v1::SUBSCRIBER_KIND_WEBHOOK);
    } else if (args[2] == "slack") {
      req.set_kind(v1::SUBSCRIBER_KIND_SLACK);
    } else {
      return UsageError("subscribers", absl::StrCat("unknown kind \"", args[2],
                                                    "\" (use email, webhook or slack)"));
    }
    req.set_destination(args[3]);
    for (const std::string& c : ParseNameList(o.components)) req.add_components(c);
    v1::AddSubscriberResponse resp;
    int code = CallOn(subscriber_stub_, &v1::SubscriberService::StubInterface::AddSubscriber, req,
                      &resp, absl::StrCat("add subscriber ", args[3]), "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
      return kExitOk;
    }
    *out_ << "subscriber " << resp.subscriber().id() << " added ("
          << KindText(resp.subscriber().kind()) << ", confirmed)\n";
    if (!resp.webhook_secret().empty()) {
      *out_ << "signing secret (shown only now): " << resp.webhook_secret() << "\n";
    }
    return kExitOk;
  }
  if (sub == "remove") {
    if (args.size() != 3) {
      return UsageError("subscribers", "subscribers remove takes one ID (subscribers list)");
    }
    v1::RemoveSubscriberRequest req;
    req.set_id(args[2]);
    v1::Subscriber resp;
    int code = CallOn(subscriber_stub_, &v1::SubscriberService::StubInterface::RemoveSubscriber,
                      req, &resp, absl::StrCat("remove subscriber ", args[2]), "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
      return kExitOk;
    }
    *out_ << "subscriber " << resp.id() << " removed; nothing more is sent to it\n";
    return kExitOk;
  }
  if (sub == "deliveries") {
    if (args.size() != 3) {
      return UsageError("subscribers", "subscribers deliveries takes one ID (subscribers list)");
    }
    v1::ListDeliveriesRequest req;
    req.set_subscriber_id(args[2]);
    if (o.given.count("limit")) req.set_limit(o.limit);
    v1::ListDeliveriesResponse resp;
    int code = CallOn(subscriber_stub_, &v1::SubscriberService::StubInterface::ListDeliveries,
                      req, &resp, absl::StrCat("list deliveries of ", args[2]), "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
      return kExitOk;
    }
    *out_ << absl::StrFormat("%-17s %-12s %-30s %-8s %-8s %s\n", "CREATED", "STATE", "EVENT",
                             "INCIDENT", "ATTEMPTS", "LAST");
    for (const v1::Delivery& d : resp.deliveries()) {
      *out_ << absl::StrFormat("%-17s %-12s %-30s %-8s %-8d %s\n", Utc(d.created_at()), d.state(),
                               d.event().empty() ? d.purpose() : d.event(), d.incident_ref(),
                               d.attempts(), d.last_detail());
    }
    return kExitOk;
  }
  return UsageError("subscribers", absl::StrCat("unknown subscribers command \"", sub,
                                                "\" (use list, add, remove or deliveries)"));
}

}  // namespace ctl
}  // namespace statuscast
