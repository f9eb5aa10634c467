#include "services/comms/subscriber_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/unary_call.h"
#include "libs/base/proto_time.h"
#include "libs/base/status_macros.h"

namespace statuscast {
namespace {

void ToProto(const SubscriberRecord& r, v1::Subscriber* out) {
  out->set_id(r.subscription.id);
  out->set_kind(static_cast<v1::SubscriberKind>(static_cast<int>(r.subscription.kind) + 1));
  out->set_destination(r.subscription.destination);
  if (!r.subscription.scope.all) {
    for (const std::string& c : r.subscription.scope.components) out->add_components(c);
  }
  out->set_confirmed(r.subscription.confirmed);
  out->set_source(r.source);
  SetTime(r.created_at, out->mutable_created_at());
  if (r.unsubscribed_at) SetTime(*r.unsubscribed_at, out->mutable_unsubscribed_at());
  out->set_unsubscribe_reason(r.unsubscribe_reason);
}

absl::StatusOr<SubscriberKind> KindFromProto(v1::SubscriberKind kind) {
  switch (kind) {
    case v1::SUBSCRIBER_KIND_EMAIL:
      return SubscriberKind::kEmail;
    case v1::SUBSCRIBER_KIND_WEBHOOK:
      return SubscriberKind::kWebhook;
    case v1::SUBSCRIBER_KIND_SLACK:
      return SubscriberKind::kSlack;
    default:
      return absl::InvalidArgumentError(
          "kind: is required: SUBSCRIBER_KIND_EMAIL, SUBSCRIBER_KIND_WEBHOOK or "
          "SUBSCRIBER_KIND_SLACK");
  }
}

}  // namespace

grpc::Status SubscriberGrpcService::ListSubscribers(grpc::ServerContext* ctx,
                                                    const v1::ListSubscribersRequest* req,
                                                    v1::ListSubscribersResponse* resp) {
  return RunUnaryCall(verifier_, ctx,
                      {"ListSubscribers", Scope::kAdmin, "subscriber", "", kUnauthenticatedActor},
                      [&](UnaryCaller&) -> absl::Status {
                        ASSIGN_OR_RETURN(std::vector<SubscriberRecord> all,
                                         directory_.List(req->include_unsubscribed()));
                        for (const SubscriberRecord& r : all) ToProto(r, resp->add_subscribers());
                        return absl::OkStatus();
                      });
}

grpc::Status SubscriberGrpcService::AddSubscriber(grpc::ServerContext* ctx,
                                                  const v1::AddSubscriberRequest* req,
                                                  v1::AddSubscriberResponse* resp) {
  return RunUnaryCall(
      verifier_, ctx, {"AddSubscriber", Scope::kAdmin, "subscriber", "", kUnauthenticatedActor},
      [&](UnaryCaller&) -> absl::Status {
        ASSIGN_OR_RETURN(SubscriberKind kind, KindFromProto(req->kind()));
        ComponentScope scope = ComponentScope::Everything();
        if (req->components_size() > 0) {
          scope = ComponentScope::Only({req->components().begin(), req->components().end()});
        }
        ASSIGN_OR_RETURN(SubscriberRecord r,
                         directory_.AddConfirmed(kind, req->destination(), scope));
        ToProto(r, resp->mutable_subscriber());
        resp->set_webhook_secret(r.webhook_secret);
        return absl::OkStatus();
      });
}

grpc::Status SubscriberGrpcService::RemoveSubscriber(grpc::ServerContext* ctx,
                                                     const v1::RemoveSubscriberRequest* req,
                                                     v1::Subscriber* resp) {
  return RunUnaryCall(
      verifier_, ctx,
      {"RemoveSubscriber", Scope::kAdmin, "subscriber", req->id(), kUnauthenticatedActor},
      [&](UnaryCaller&) -> absl::Status {
        if (req->id().empty()) return absl::InvalidArgumentError("id: is required (sub_...)");
        RETURN_IF_ERROR(directory_.Unsubscribe(req->id(), "removed by an operator").status());
        ASSIGN_OR_RETURN(SubscriberRecord r, directory_.Get(req->id()));
        ToProto(r, resp);
        return absl::OkStatus();
      });
}

grpc::Status SubscriberGrpcService::ListDeliveries(grpc::ServerContext* ctx,
                                                   const v1::ListDeliveriesRequest* req,
                                                   v1::ListDeliveriesResponse* resp) {
  return RunUnaryCall(
      verifier_, ctx,
      {"ListDeliveries", Scope::kAdmin, "subscriber", req->subscriber_id(), kUnauthenticatedActor},
      [&](UnaryCaller&) -> absl::Status {
        if (req->subscriber_id().empty()) {
          return absl::InvalidArgumentError("subscriber_id: is required (sub_...)");
        }
        if (req->limit() < 0 || req->limit() > 1000) {
          return absl::InvalidArgumentError("limit: must be 1..1000 (0 means 50)");
        }
        ASSIGN_OR_RETURN(
            std::vector<DeliveryRecord> all,
            directory_.Deliveries(req->subscriber_id(), req->limit() == 0 ? 50 : req->limit()));
        for (const DeliveryRecord& d : all) {
          v1::Delivery* out = resp->add_deliveries();
          out->set_id(d.id);
          out->set_purpose(d.purpose);
          out->set_event(d.event);
          out->set_incident_ref(d.incident_ref);
          out->set_state(d.state);
          out->set_attempts(d.attempts);
          SetTime(d.created_at, out->mutable_created_at());
          if (d.state == kStatePending) SetTime(d.next_attempt_at, out->mutable_next_attempt_at());
          if (d.last_attempt_at) SetTime(*d.last_attempt_at, out->mutable_last_attempt_at());
          if (d.finished_at) SetTime(*d.finished_at, out->mutable_finished_at());
          out->set_last_status(d.last_status);
          out->set_last_detail(d.last_detail);
        }
        return absl::OkStatus();
      });
}

}  // namespace statuscast
