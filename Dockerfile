# syntax=docker/dockerfile:1
# One image with statuscast-comms, statuscast-banner and statuscastctl.
#
#   docker build -t statuscast:dev .
#   docker run --rm -e STATUSCAST_DATABASE_URL=postgresql://... statuscast:dev statuscast-comms
#   docker run --rm -e STATUSCAST_DATABASE_URL=postgresql://... statuscast:dev statuscast-banner
#
# Both stages are Debian 12 (bookworm), the release the project builds and
# tests on, so the runtime libraries are the very versions the build linked.

############################ build ############################
FROM debian:bookworm AS build
# Optional compiler cache and job count, for rebuilds (scripts/container-test
# uses both). Without them this stage builds as it always did:
#   podman build -v "$HOME/.cache/statuscast-image-ccache:/ccache" \
#     --build-arg CCACHE_DIR=/ccache --build-arg BUILD_JOBS=2 ...
# CCACHE_DIR names a directory mounted into the build (not a layer), so the
# cache outlives the image; without it ccache is installed but disabled.
ARG CCACHE_DIR=""
ARG BUILD_JOBS=""
# The -dev packages of scripts/lib/common.sh that the build (not the tests) needs.
# GoogleTest is listed because the top-level CMakeLists.txt finds it
# unconditionally; golang-github-gogo-googleapis-dev ships the google/rpc protos.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev \
      libpqxx-dev libpq-dev prometheus-cpp-dev libboost1.81-dev libre2-dev zlib1g-dev \
      libgtest-dev libgmock-dev golang-github-gogo-googleapis-dev libcurl4-openssl-dev \
      nlohmann-json3-dev libcmark-dev ccache \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# The whole source tree: the top-level CMakeLists.txt configures every folder
# it names. .dockerignore keeps build trees, data, docs and node_modules out.
COPY . .
# Release, no tests: tests/CMakeLists.txt skips the folders listed in
# STATUSCAST_SKIP (tests/support stays: it is only a library). The top-level
# CMakeLists.txt uses ccache when it is installed; CCACHE_BASEDIR keeps the
# cache keys free of the absolute source path.
RUN if [ -n "$CCACHE_DIR" ]; then export CCACHE_BASEDIR=/src; ccache -z >/dev/null; \
    else unset CCACHE_DIR; export CCACHE_DISABLE=1; fi \
 && cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      "-DSTATUSCAST_SKIP=tests/base;tests/incident;tests/cadence;tests/pgstore;tests/banner;tests/http;tests/lint;tests/comms;tests/ctl;tests/deploy;tests/e2e" \
 && cmake --build /build --parallel ${BUILD_JOBS} --target statuscast-comms statuscast-banner statuscastctl \
 && if [ -n "$CCACHE_DIR" ]; then ccache -s | grep -Ei '^ *(hits|misses)' || true; fi \
 && install -d /out \
 && install -m 0755 -s /build/services/comms/statuscast-comms \
                       /build/services/banner/statuscast-banner \
                       /build/services/ctl/statuscastctl /out/

############################ runtime ############################
FROM debian:bookworm-slim AS runtime
# Only the shared libraries the binaries link (readelf -d NEEDED, mapped with
# dpkg -S), plus curl for the health check and CA certificates for TLS to
# PostgreSQL. libpq5 comes with libpqxx-6.4; listed to make it explicit.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 \
      libpqxx-6.4 libpq5 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libre2-9 libssl3 zlib1g \
      libcmark0.30.2 libcurl4 \
      ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 statuscast \
 && useradd --system --uid 10001 --gid statuscast --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin statuscast

COPY --from=build /out/ /usr/local/bin/
COPY deploy/docker/healthcheck.sh /usr/local/bin/statuscast-healthcheck

# Listen on every interface inside the container (the binaries default to
# 127.0.0.1).
ENV STATUSCAST_COMMS_GRPC_ADDRESS=0.0.0.0:7400 \
    STATUSCAST_COMMS_METRICS_ADDRESS=0.0.0.0:9400 \
    STATUSCAST_BANNER_GRPC_ADDRESS=0.0.0.0:7401 \
    STATUSCAST_BANNER_HTTP_ADDRESS=0.0.0.0:8080 \
    STATUSCAST_BANNER_METRICS_ADDRESS=0.0.0.0:9401 \
    STATUSCAST_LOG_FORMAT=json

# comms gRPC, banner gRPC, banner HTTP, comms metrics, banner metrics
EXPOSE 7400 7401 8080 9400 9401

# A numeric user, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /tmp

# The service is PID 1: both binaries block SIGTERM/SIGINT and sigwait() for
# them, so they shut down cleanly without an init process.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/statuscast-healthcheck"]

CMD ["statuscast-banner"]
