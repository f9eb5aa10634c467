#!/usr/bin/python3
"""A slow PostgreSQL under write traffic.

The real statuscast-comms reaches its PostgreSQL cluster (the test's own)
through a TCP proxy on loopback that the test controls
(fault_support.DelayProxy): for a while it holds every packet, each way, for
1 s. Eight writers post updates (each on its own incident) with a 3 s
deadline throughout. Proven:
  - deadlines hold: every call ends within its deadline (plus scheduling
    slack) with DEADLINE_EXCEEDED or UNAVAILABLE while the database is slow;
    nothing hangs;
  - the gRPC health of statuscast.v1.IncidentService goes NOT_SERVING
    (--db_health_timeout) and back to SERVING once the delay is gone, while
    "" (the process) stays SERVING; the log says database_unhealthy, then
    database_healthy;
  - the connection pool does not stay exhausted: writes succeed again within
    seconds of the delay going, without a restart;
  - nothing is half-applied: every write that timed out is settled by a retry
    with its idempotency key, after which each incident holds exactly one
    update per key, and the change log has no gap.

Usage: slow_postgres_fault_test.py BUILD_DIR SOURCE_DIR
"""
import os
import sys
import tempfile
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402

BUILD_DIR, SOURCE_DIR, GEN = fs.start_test("statuscast-slow-pg-")
import grpc  # noqa: E402
from statuscast.v1 import incident_pb2 as pb  # noqa: E402
from statuscast.v1 import incident_pb2_grpc as pb_grpc  # noqa: E402

DELAY_S = 1.0
SLOW_S = 12
DEADLINE_S = 3.0
WRITERS = 8
POOL = 4
HEALTH_INTERVAL_S, HEALTH_TIMEOUT_S = 0.5, 1.0
SERVICE = "statuscast.v1.IncidentService"


def health_status(channel, service):
    """grpc.health.v1.Health/Check by hand: 1 SERVING, 2 NOT_SERVING, 0 no answer."""
    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=lambda b: b, response_deserializer=lambda b: b)
    name = service.encode()
    try:
        answer = check(b"\x0a" + bytes([len(name)]) + name if name else b"", timeout=1)
    except grpc.RpcError:
        return 0
    return answer[1] if len(answer) >= 2 and answer[0] == 0x08 else 0


class SlowPostgresTest(unittest.TestCase):
    def setUp(self):
        self.pg = fs.OwnCluster()
        self.proxy = self.comms = None
        try:
            self.start()
        except BaseException:
            self.tearDown()
            raise

    def start(self):
        self.proxy = fs.DelayProxy(self.pg.port)
        self.comms_port = fs.free_port()
        self.metrics_port = fs.free_port()
        self.comms = fs.Service(BUILD_DIR, "statuscast-comms", [
            "--grpc_address=127.0.0.1:%d" % self.comms_port,
            "--metrics_address=127.0.0.1:%d" % self.metrics_port,
            "--db_pool_size=%d" % POOL,
            "--db_health_interval=%dms" % (HEALTH_INTERVAL_S * 1000),
            "--db_health_timeout=%dms" % (HEALTH_TIMEOUT_S * 1000)],
            tempfile.mkdtemp(prefix="statuscast-slow-pg-log-"),
            {"STATUSCAST_DATABASE_URL": "postgresql://postgres@127.0.0.1:%d/postgres" %
             self.proxy.port, "STATUSCAST_AUTH": "disabled"})
        self.channel = grpc.insecure_channel("127.0.0.1:%d" % self.comms_port)
        grpc.channel_ready_future(self.channel).result(timeout=30)
        self.stub = pb_grpc.IncidentServiceStub(self.channel)

    def tearDown(self):
        if getattr(self, "channel", None) is not None:
            self.channel.close()
        if self.comms is not None:
            self.comms.stop()
        if self.proxy is not None:
            self.proxy.close()
        self.pg.close()

    def test_deadlines_hold_health_follows_and_the_pool_recovers(self):
        self.stub.CreateComponent(pb.CreateComponentRequest(name="search"), timeout=10)
        incidents = []
        for i in range(WRITERS):
            d = self.stub.DeclareIncident(pb.DeclareIncidentRequest(
                title="Search is slow (%d)" % i, severity=pb.SEVERITY_SEV3,
                affected_components=[pb.AffectedComponent(
                    name="search", status=pb.COMPONENT_STATUS_DEGRADED_PERFORMANCE)],
                first_update=pb.UpdateDraft(message="We're investigating slow search results.",
                                            channels=[pb.CHANNEL_STATUS_PAGE]),
                author="responder", idempotency_key=uuid.uuid4().hex), timeout=10)
            incidents.append(d.incident)

        calls = []  # (start, duration, code, key, writer, expected_version)
        lock = threading.Lock()
        stop = threading.Event()
        health = []  # (t, overall, service)

        def post(w, key, version):
            return self.stub.PostUpdate(pb.PostUpdateRequest(
                incident_ref=incidents[w].ref, expected_version=version, idempotency_key=key,
                author="responder", update=pb.UpdateDraft(
                    message="We're still working on slow search results.",
                    channels=[pb.CHANNEL_STATUS_PAGE])), timeout=DEADLINE_S)

        def writer(w):
            version = incidents[w].version
            while not stop.is_set():
                key = uuid.uuid4().hex
                start = time.time()
                sent = version
                try:
                    version = post(w, key, version).incident.version
                    code = grpc.StatusCode.OK
                except grpc.RpcError as e:
                    code = e.code()
                    if code == grpc.StatusCode.ABORTED:  # an earlier timed-out write landed
                        try:
                            version = self.stub.GetIncident(pb.GetIncidentRequest(
                                incident_ref=incidents[w].ref), timeout=DEADLINE_S).version
                        except grpc.RpcError:
                            pass
                with lock:
                    calls.append((start, time.time() - start, code, key, w, sent))
                time.sleep(0.1)

        def watch_health():
            while not stop.is_set():
                health.append((time.time(), health_status(self.channel, ""),
                               health_status(self.channel, SERVICE)))
                time.sleep(0.1)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        threads.append(threading.Thread(target=watch_health))
        for t in threads:
            t.start()
        time.sleep(3)
        slow_at = time.time()
        self.proxy.delay = DELAY_S
        time.sleep(SLOW_S)
        fast_at = time.time()
        self.proxy.delay = 0.0
        time.sleep(12)
        stop.set()
        for t in threads:
            t.join()

        def first(items, pred, after):
            for item in items:
                if item[0] >= after and pred(item):
                    return item[0] - after
            return None

        before = [c for c in calls if c[0] + c[1] < slow_at]
        slow = [c for c in calls if slow_at + 1 <= c[0] < fast_at]
        not_serving_after = first(health, lambda h: h[2] == 2, slow_at)
        serving_again_after = first(health, lambda h: h[2] == 1, fast_at)
        ok_again_after = min([c[0] + c[1] - fast_at for c in calls
                              if c[2] == grpc.StatusCode.OK and c[0] + c[1] > fast_at] or [None])
        tail = [c for c in calls if c[0] > fast_at + 6]
        codes = {}
        for c in slow:
            codes[c[2].name] = codes.get(c[2].name, 0) + 1
        durations = [c[1] for c in calls]

        # Settle every write that did not answer OK: the same request again
        # (same key, same expected version). OK: it was written, once (now or
        # before); ABORTED: it was not, and never will be (the version moved on).
        pending = [c for c in calls if c[2] != grpc.StatusCode.OK]
        written, not_written = set(), set()
        for _, _, _, key, w, sent in pending:
            try:
                post(w, key, sent)
                written.add(key)
            except grpc.RpcError as e:
                self.assertEqual(e.code(), grpc.StatusCode.ABORTED, e.details())
                not_written.add(key)
        ok_keys = {c[3] for c in calls if c[2] == grpc.StatusCode.OK} | written
        keys_in_db = set(self.pg.psql("SELECT key FROM idempotency_keys").split())
        seqs = [int(s) for s in self.pg.psql(
            "SELECT sequence FROM change_log ORDER BY sequence").split()]
        per_incident = dict(
            line.split("|") for line in self.pg.psql(
                "SELECT i.ref, count(*) FROM incident_updates u JOIN incidents i "
                "ON i.id = u.incident_id GROUP BY i.ref").splitlines())
        log = self.comms.log_text()
        _, metrics = fs.http_get("http://127.0.0.1:%d/metrics" % self.metrics_port)

        print("\nSlow PostgreSQL figures (every packet held %.1f s each way for %d s; %d "
              "writers, deadline %.0f s, pool %d, health probe every %.1f s, timeout %.1f s):" % (
                  DELAY_S, SLOW_S, WRITERS, DEADLINE_S, POOL, HEALTH_INTERVAL_S,
                  HEALTH_TIMEOUT_S))
        print("  calls before: %d, all OK: %s; while slow: %d, by code %s" % (
            len(before), all(c[2] == grpc.StatusCode.OK for c in before), len(slow), codes))
        print("  call duration p50 %.2f s, p99 %.2f s, max %.2f s (deadline %.1f s)" % (
            fs.percentile(durations, 50), fs.percentile(durations, 99), max(durations),
            DEADLINE_S))
        print("  health of %s: NOT_SERVING %.2f s after the delay began, SERVING %.2f s after "
              "it ended; \"\" SERVING throughout: %s" % (
                  SERVICE, not_serving_after if not_serving_after is not None else -1,
                  serving_again_after if serving_again_after is not None else -1,
                  all(h[1] == 1 for h in health)))
        print("  first write acknowledged %.2f s after the delay ended; in the last 6 s %d "
              "calls, %d OK" % (ok_again_after if ok_again_after is not None else -1,
                                len(tail),
                                sum(1 for c in tail if c[2] == grpc.StatusCode.OK)))
        print("  %d writes did not answer OK; sent again as they were: %d had been or were now "
              "written once, %d were not (version moved on; key unused); updates per incident "
              "= 1 + written keys: %s; change log 1..%d without a gap" % (
                  len(pending), len(written), len(not_written),
                  all(int(per_incident[inc.ref]) == 1 + len(
                      {c[3] for c in calls if c[4] == w} & ok_keys)
                      for w, inc in enumerate(incidents)), len(seqs)))
        print("  comms log: %s" % [line for line in log.splitlines()
                                   if "database_unhealthy" in line][:1])

        self.assertTrue(before and all(c[2] == grpc.StatusCode.OK for c in before))
        self.assertGreater(len(slow), WRITERS)
        self.assertTrue(set(codes) <= {"DEADLINE_EXCEEDED", "UNAVAILABLE", "ABORTED"}, codes)
        self.assertGreater(codes.get("DEADLINE_EXCEEDED", 0) + codes.get("UNAVAILABLE", 0), 0)
        self.assertLess(max(durations), DEADLINE_S + 1.5, "a call outlived its deadline")
        self.assertIsNotNone(not_serving_after, "health never went NOT_SERVING")
        self.assertLess(not_serving_after, HEALTH_INTERVAL_S + HEALTH_TIMEOUT_S + 2 * DELAY_S + 1)
        self.assertIsNotNone(serving_again_after, "health never came back to SERVING")
        self.assertLess(serving_again_after, 8)
        self.assertTrue(all(h[1] == 1 for h in health), "the process's own health changed")
        self.assertIsNotNone(ok_again_after, "writes did not come back")
        self.assertLess(ok_again_after, 8)
        self.assertTrue(tail and all(c[2] == grpc.StatusCode.OK for c in tail),
                        [c[2] for c in tail])
        self.assertTrue(ok_keys <= keys_in_db)
        self.assertFalse(not_written & keys_in_db, "a refused write was applied")
        for w, inc in enumerate(incidents):
            keys = {c[3] for c in calls if c[4] == w} & ok_keys
            self.assertEqual(int(per_incident[inc.ref]), 1 + len(keys), inc.ref)
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "the change log has a gap")
        self.assertIn("database_unhealthy", log)
        self.assertIn("database_healthy", log)
        self.assertRegex(metrics, r"statuscast_comms_database_healthy\s+1")


if __name__ == "__main__":
    unittest.main(verbosity=2)
