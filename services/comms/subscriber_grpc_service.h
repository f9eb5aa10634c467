// SubscriberGrpcService: statuscast.v1.SubscriberService over
// SubscriberDirectory (libs/notify/subscriber_directory.h). Every method
// needs an admin token. Translation only: the directory checks destinations
// (INVALID_ARGUMENT, nothing stored) and keeps the rules.
// Thread safety: stateless; safe from any gRPC thread.
#ifndef STATUSCAST_SERVICES_COMMS_SUBSCRIBER_GRPC_SERVICE_H_
#define STATUSCAST_SERVICES_COMMS_SUBSCRIBER_GRPC_SERVICE_H_

#include "libs/auth/token_verifier.h"
#include "libs/notify/subscriber_directory.h"
#include "statuscast/v1/subscriber.grpc.pb.h"

namespace statuscast {

class SubscriberGrpcService final : public v1::SubscriberService::Service {
 public:
  // REQUIRES: directory and verifier outlive this service; a null verifier
  // turns access control off (--auth=disabled).
  SubscriberGrpcService(SubscriberDirectory& directory, TokenVerifier* verifier)
      : directory_(directory), verifier_(verifier) {}

  grpc::Status ListSubscribers(grpc::ServerContext* ctx, const v1::ListSubscribersRequest* req,
                               v1::ListSubscribersResponse* resp) override;
  grpc::Status AddSubscriber(grpc::ServerContext* ctx, const v1::AddSubscriberRequest* req,
                             v1::AddSubscriberResponse* resp) override;
  grpc::Status RemoveSubscriber(grpc::ServerContext* ctx, const v1::RemoveSubscriberRequest* req,
                                v1::Subscriber* resp) override;
  grpc::Status ListDeliveries(grpc::ServerContext* ctx, const v1::ListDeliveriesRequest* req,
                              v1::ListDeliveriesResponse* resp) override;

 private:
  SubscriberDirectory& directory_;
  TokenVerifier* const verifier_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_SUBSCRIBER_GRPC_SERVICE_H_
