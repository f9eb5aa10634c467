# The reconnect storm: `bench/run --storm` sources this once every subscriber
# (started with --reconnect) holds its first set from statuscast-banner. Uses
# bench/run's functions and variables; writes metrics.txt and the
# subscribers' dumps, then results-storm.md (bench/storm_report.py).
#
# 1. A SEV-1 on checkout: every subscriber holds its banner (version D).
# 2. A SEV-1 on another component, shown on app blog only: the world moves
#    past D, so a subscriber resuming from its last set's version D is not
#    "current" by version alone; statuscast-banner's shutdown tells each
#    stream the current version (gRPC: a last heartbeat; SSE: an id-only
#    event), which is what lets the next process send it nothing.
# 3. PostgreSQL's transaction count over an idle window, for reference.
# 4. The storm: SIGTERM to statuscast-banner, the same command again; every
#    subscriber reconnects (after a jittered 0.5-1.5 s, as the SDKs' backoff
#    and retry hint; refused connections likewise) and resumes. Measured: when each holds the current set again
#    (confirmed by the server, or sent in full), full resends, PostgreSQL
#    transactions from the SIGTERM until 12 s after the last subscriber.
#    --storm-crash: SIGKILL instead, so no stream is told the current
#    version at the end: subscribers resume from the last heartbeat's
#    (which named the world's version: the storm comes one heartbeat
#    interval after the last change, and storm_heard_world counts them).
# 5. The baseline: its gRPC streams, the server killed and started again
#    (it sends every stream its one message on connect: a full resend).

# "transactions tuples_returned tuples_fetched" of the benchmark's database.
pg_counts() {
  psql "$DB" -Atc "SELECT xact_commit + xact_rollback, tup_returned, tup_fetched
                   FROM pg_stat_database WHERE datname = current_database()" | tr '|' ' '
}
# pg_metrics PREFIX BEFORE AFTER: the differences as PREFIX_xacts/_tup_returned/_tup_fetched.
pg_metrics() {
  local prefix="$1" b a
  read -r -a b <<<"$2"
  read -r -a a <<<"$3"
  metric "${prefix}_xacts" $((a[0] - b[0]))
  metric "${prefix}_tup_returned" $((a[1] - b[1]))
  metric "${prefix}_tup_fetched" $((a[2] - b[2]))
}
now_ns() { date +%s%N; }
# status_at_least VERSION FILES...: how many subscribers would resume from
# VERSION or later (the subscribers' `versions=V:N,...` status field).
status_at_least() {
  local version="$1" total=0 f pair
  shift
  for f in "$@"; do
    for pair in $(grep '^status ' "$f" 2>/dev/null | tail -1 | tr ' ' '\n' \
                  | sed -n 's/^versions=//p' | tr ',' ' '); do
      [ "${pair%%:*}" -ge "$version" ] && total=$((total + ${pair##*:}))
    done
  done
  echo "$total"
}
# statuscast-banner's default --heartbeat_interval: after a change, every
# stream has heard a heartbeat naming the new version within one interval.
HEARTBEAT_S=30
# PostgreSQL backends report their counters within 10 s of going idle
# (PGSTAT_IDLE_INTERVAL), so every reading waits that long after activity.
PG_SETTLE=12
STORM_TIMEOUT=120

log "declaring a SEV-1 on checkout: every subscriber gets its banner"
"$DRIVER" --comms="127.0.0.1:$COMMS_PORT" declare --name=checkout >"$OUT/declare.txt" \
  2>>"$OUT/driver.log" || die "DeclareIncident failed (see $OUT/driver.log)"
wait_sum t1 "$TOTAL" "$FANOUT_TIMEOUT" "subscribers with the banner" "${ALL_FILES[@]}" \
  || die "not every subscriber got the banner"
metric storm_declare_sequence "$(sed -n 's/.* sequence=\([0-9]*\) .*/\1/p' "$OUT/declare.txt")"

log "a SEV-1 elsewhere (component storm-elsewhere, app blog): the world moves past every subscriber's set"
"$DRIVER" --comms="127.0.0.1:$COMMS_PORT" component --name=storm-elsewhere --banner_app=blog \
  --banner_path='/*' >"$OUT/component-elsewhere.txt" 2>>"$OUT/driver.log" \
  || die "could not create the second component (see $OUT/driver.log)"
"$DRIVER" --comms="127.0.0.1:$COMMS_PORT" declare --name=storm-elsewhere \
  >"$OUT/declare-elsewhere.txt" 2>>"$OUT/driver.log" || die "the second DeclareIncident failed"
t_change=$(now_ns)
sleep 2
curl -fsS --max-time 2 "$SNAPSHOT" >"$OUT/snapshot-before-storm.json" || die "no snapshot"
world_version="$(grep -o '"version": *"[0-9]*"' "$OUT/snapshot-before-storm.json" | grep -o '[0-9]*')"
metric storm_world_version "$world_version"
metric storm_t1_left_behind $((TOTAL - $(status_sum t1 "${ALL_FILES[@]}")))

log "PostgreSQL while idle (${PG_SETTLE}s to settle, then 20 s)"
sleep "$PG_SETTLE"
p0="$(pg_counts)"
t_idle0=$(now_ns)
sleep 20
p1="$(pg_counts)"
metric storm_pg_idle_window_ms $((($(now_ns) - t_idle0) / 1000000))
pg_metrics storm_pg_idle "$p0" "$p1"

# The storm comes at least one heartbeat interval after the last change
# (the idle window above usually covers it): every stream has then heard a
# heartbeat naming the world's version, so even a crash leaves each client
# able to resume from it. A crash sooner after a change would find the
# streams not yet heartbeaten since it resuming from their last set's.
wait_s=$((HEARTBEAT_S + 2 - ($(now_ns) - t_change) / 1000000000))
[ "$wait_s" -gt 0 ] && { log "waiting ${wait_s}s: one heartbeat interval after the last change"; sleep "$wait_s"; }
sleep 0.3  # the subscribers' status lines (every 100 ms)
metric storm_since_change_ms $((($(now_ns) - t_change) / 1000000))
metric storm_heard_world "$(status_at_least "$world_version" "${ALL_FILES[@]}")"

log "the storm: restarting statuscast-banner with $TOTAL subscribers connected" \
  "($([ "$STORM_CRASH" -eq 1 ] && echo SIGKILL || echo SIGTERM))"
metric loadavg_before_storm "$(cut -d' ' -f1-3 /proc/loadavg)"
p2="$(pg_counts)"
t_storm0=$(now_ns)
metric storm_kill_ns "$t_storm0"
metric storm_crash "$STORM_CRASH"
if [ "$STORM_CRASH" -eq 1 ]; then
  kill -KILL "$BANNER_PID"
  while kill -0 "$BANNER_PID" 2>/dev/null; do sleep 0.02; done
else
  stop "$BANNER_PID"
  # stop may end with SIGKILL: wait until the ports are free.
  while kill -0 "$BANNER_PID" 2>/dev/null; do sleep 0.02; done
fi
metric storm_old_exited_ns "$(now_ns)"
metric storm_start_ns "$(now_ns)"
start_banner
wait_sum current "$TOTAL" "$STORM_TIMEOUT" "subscribers holding the current set again" \
  "${ALL_FILES[@]}" || true
metric storm_all_current_ns "$(now_ns)"
metric storm_banner_cpu_ticks "$(cpu_ticks "$BANNER_PID")"
metric loadavg_after_storm "$(cut -d' ' -f1-3 /proc/loadavg)"
metric storm_current "$(status_sum current "${ALL_FILES[@]}")"
metric storm_resent "$(status_sum resent "${ALL_FILES[@]}")"
metric storm_dropped "$(status_sum dropped "${ALL_FILES[@]}")"
sleep "$PG_SETTLE"
p3="$(pg_counts)"
metric storm_pg_window_ms $((($(now_ns) - t_storm0) / 1000000))
pg_metrics storm_pg "$p2" "$p3"
curl -fsS --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" >"$OUT/banner-metrics.txt" || true

DUMP_STATUS=("${ALL_FILES[@]}")
dump_clients "${OURS_GRPC_PIDS[@]}" "${OURS_SSE_PIDS[@]}"
for pid in "${OURS_GRPC_PIDS[@]}" "${OURS_SSE_PIDS[@]}"; do stop "$pid"; done
stop "$BANNER_PID"
stop "$COMMS_PID"

log "baseline: $GRPC gRPC streams, the server killed and started again"
start_baseline() {
  "$BASELINE" --address="127.0.0.1:$BASE_PORT" --message_bytes="$(max_bytes "${OURS_GRPC_FILES[@]}")" \
    >>"$OUT/baseline.log" 2>&1 &
  BASE_PID=$!
  PIDS+=("$BASE_PID")
}
: >"$OUT/baseline.log"
start_baseline
for _ in $(seq 100); do grep -q "^listening" "$OUT/baseline.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^listening' "$OUT/baseline.log" || die "the baseline server did not start"
start_clients base-grpc grpc "127.0.0.1:$BASE_PORT" "$GRPC" "$PER_GRPC_PROC"
BASE_PIDS=("${CLIENT_PIDS[@]}")
BASE_FILES=("${CLIENT_FILES[@]}")
wait_sum ready "$GRPC" "$CONNECT_TIMEOUT" "baseline subscribers with their first set" "${BASE_FILES[@]}" \
  || die "not every baseline subscriber got its first set"
sleep 3
metric loadavg_before_base_storm "$(cut -d' ' -f1-3 /proc/loadavg)"
metric base_storm_kill_ns "$(now_ns)"
stop "$BASE_PID"
metric base_storm_start_ns "$(now_ns)"
start_baseline
wait_sum current "$GRPC" "$STORM_TIMEOUT" "baseline subscribers holding their set again" \
  "${BASE_FILES[@]}" || true
metric base_storm_all_current_ns "$(now_ns)"
metric base_storm_cpu_ticks "$(cpu_ticks "$BASE_PID")"
metric base_storm_current "$(status_sum current "${BASE_FILES[@]}")"
metric base_storm_resent "$(status_sum resent "${BASE_FILES[@]}")"
DUMP_STATUS=("${BASE_FILES[@]}")
dump_clients "${BASE_PIDS[@]}"
metric loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 "$ROOT/bench/storm_report.py" "$OUT"
log "raw data and logs: ${OUT#"$ROOT"/}"
