# Shared by scripts/run and scripts/test: install what is missing, build, and
# run a PostgreSQL cluster as root (through the postgres user) or as yourself.
# shellcheck shell=bash

STATUSCAST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# Debian packages the build and the tests need.
STATUSCAST_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libpqxx-dev libpq-dev prometheus-cpp-dev libboost1.81-dev libre2-dev libssl-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  golang-github-gogo-googleapis-dev
  postgresql-15 postgresql-client-15
  python3-grpcio python3-grpc-tools python3-h2 python3-yaml curl prometheus docker-compose chromium
  faketime
  libcurl4-openssl-dev nlohmann-json3-dev python3-aiosmtpd
  libcmark-dev
)

log() { printf '\033[1m[statuscast]\033[0m %s\n' "$*" >&2; }
die() { printf 'statuscast: %s\n' "$*" >&2; exit 1; }

ensure_packages() {
  local missing=()
  for p in "${STATUSCAST_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing packages (${missing[*]}) and no sudo; install them as root"
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build [build-dir] [build-type] [ninja targets...]   (no targets: everything)
build() {
  local dir="${1:-$STATUSCAST_ROOT/build}" type="${2:-RelWithDebInfo}"
  shift 2 || shift $#
  log "building in ${dir#"$STATUSCAST_ROOT"/} ($type, -j2)"
  mkdir -p "$dir"
  cmake -S "$STATUSCAST_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" >"$dir/configure.log" 2>&1 \
    || { cat "$dir/configure.log" >&2; die "cmake configure failed"; }
  ninja -C "$dir" -j2 "$@"
}

# A port below the kernel's ephemeral range that nothing listens on (see
# tests/support/ports.py: a port picked by binding 0 can be taken by an
# outgoing connection before the server binds it).
free_port() {
  /usr/bin/python3 "$STATUSCAST_ROOT/tests/support/ports.py"
}

# Runs a PostgreSQL binary as the cluster's owner: postgres when we are root.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_start DATADIR PORT durable|throwaway
pg_start() {
  local data="$1" port="$2" mode="$3"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising a PostgreSQL cluster in $data"
    if [ "$(id -u)" -eq 0 ]; then
      install -d -o postgres -g postgres -m 700 "$data"
    else
      install -d -m 700 "$data"
    fi
    local sync_flag=""
    [ "$mode" = throwaway ] && sync_flag="--no-sync"
    pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 $sync_flag >/dev/null
  fi
  local opts="-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=300"
  [ "$mode" = throwaway ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 -o "$opts" start >/dev/null \
    || { tail -20 "$data/server.log" >&2; die "PostgreSQL did not start (log: $data/server.log)"; }
}

pg_stop() {
  local data="$1"
  [ -f "$data/postmaster.pid" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}
