#!/bin/sh
# statuscast-healthcheck: the container image's HEALTHCHECK. It asks the gRPC
# health service (grpc.health.v1.Health/Check, overall status "") of the
# service running as PID 1, and for statuscast-banner also GET /healthz.
# No grpc_health_probe exists in Debian; curl speaks HTTP/2 without TLS
# (prior knowledge), which is all a unary gRPC call needs.
#
#   statuscast-healthcheck                 detect the service from PID 1
#   statuscast-healthcheck comms|banner    check that service
#   statuscast-healthcheck grpc HOST:PORT  only the gRPC health service
# Exit 0 healthy, 1 unhealthy (the reason on stderr).
set -eu

port_of() { echo "${1##*:}"; }

grpc_serving() {
  # An empty HealthCheckRequest is a 5-byte gRPC frame of zeros. A SERVING
  # answer is the frame 00 00000002 08 01 (field 1, status = 1).
  got="$(printf '\000\000\000\000\000' |
    curl -sS --http2-prior-knowledge --max-time 3 \
      -H 'content-type: application/grpc' -H 'te: trailers' \
      --data-binary @- "http://$1/grpc.health.v1.Health/Check" | od -An -tx1 | tr -d ' \n')" || true
  if [ "$got" != "00000000020801" ]; then
    echo "statuscast-healthcheck: gRPC health at $1 is not SERVING (answer: '${got:-none}')" >&2
    return 1
  fi
}

http_ok() {
  if ! curl -fsS --max-time 3 -o /dev/null "http://$1$2"; then
    echo "statuscast-healthcheck: GET http://$1$2 failed" >&2
    return 1
  fi
}

what="${1:-}"
if [ -z "$what" ]; then
  case "$(cat /proc/1/comm 2>/dev/null)" in
    statuscast-comm*) what=comms ;;
    statuscast-bann*) what=banner ;;
    *) echo "statuscast-healthcheck: PID 1 is neither statuscast-comms nor statuscast-banner" >&2
       exit 1 ;;
  esac
fi

case "$what" in
  comms)
    grpc_serving "127.0.0.1:$(port_of "${STATUSCAST_COMMS_GRPC_ADDRESS:-:7400}")" ;;
  banner)
    grpc_serving "127.0.0.1:$(port_of "${STATUSCAST_BANNER_GRPC_ADDRESS:-:7401}")"
    http_ok "127.0.0.1:$(port_of "${STATUSCAST_BANNER_HTTP_ADDRESS:-:8080}")" /healthz ;;
  grpc)
    grpc_serving "${2:?usage: statuscast-healthcheck grpc HOST:PORT}" ;;
  *)
    echo "usage: statuscast-healthcheck [comms|banner|grpc HOST:PORT]" >&2
    exit 2 ;;
esac
