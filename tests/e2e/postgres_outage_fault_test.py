#!/usr/bin/python3
"""PostgreSQL stopped for 10 s, and separately failed over to a promoted
standby, while updates are written and banners streamed.

The real statuscast-comms and statuscast-banner run over a PostgreSQL cluster
of the test's own. A writer posts updates to one incident in a loop; a gRPC
Subscribe stream stays open; a poller reads the JSON snapshot (/v1/banners)
and /v1/status.json. PostgreSQL is stopped (pg_ctl -m fast) for 10 s and
started again. Proven:
  - every write during the outage is UNAVAILABLE and its message says to
    retry; none is half-applied: the change log has no gap, every
    acknowledged write is in it, every refused one is not;
  - the snapshot and /v1/status.json answer 200 throughout with the last
    known state, and valid_until (snapshot and gRPC heartbeats) stops moving
    while the database is away;
  - after the restart writes succeed again without restarting anything, and
    the stream and the snapshot converge to the last write.
Failover: a synchronous streaming standby (pg_basebackup -R, Debian's
PostgreSQL 15); the services' --database_url lists both hosts with
target_session_attrs=read-write. The primary is stopped, the standby promoted
(pg_ctl promote) 2 s later; the same properties hold, checked on the promoted
standby: every acknowledged write is there, the change log has no gap.

Usage: postgres_outage_fault_test.py BUILD_DIR SOURCE_DIR
"""
import datetime
import json
import os
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402

BUILD_DIR, SOURCE_DIR, GEN = fs.start_test("statuscast-outage-")
import grpc  # noqa: E402
from statuscast.v1 import banner_pb2, banner_pb2_grpc  # noqa: E402
from statuscast.v1 import incident_pb2 as pb  # noqa: E402
from statuscast.v1 import incident_pb2_grpc as pb_grpc  # noqa: E402

OUTAGE_SECONDS = 10
FAILOVER_DETECTION_SECONDS = 2
VALIDITY_SECONDS = 6


def parse_time(text):
    text = text.replace("Z", "+00:00")
    if "." in text:  # Python 3.9's fromisoformat takes 3 or 6 fractional digits only
        head, rest = text.split(".", 1)
        frac, tz = rest[:-6], rest[-6:]
        text = head + "." + (frac + "000000")[:6] + tz
    return datetime.datetime.fromisoformat(text).timestamp()


class PostgresOutageTest(unittest.TestCase):
    def setUp(self):
        self.pg = fs.OwnCluster()
        self.standby = self.comms = self.banner = self.channel = None

    def start_services(self, url):
        env = {"STATUSCAST_DATABASE_URL": url, "STATUSCAST_AUTH": "disabled"}
        self.comms_port = fs.free_port()
        self.banner_grpc, self.banner_http = fs.free_port(), fs.free_port()
        self.comms = fs.Service(BUILD_DIR, "statuscast-comms", [
            "--grpc_address=127.0.0.1:%d" % self.comms_port, "--metrics_address="], GEN, env)
        self.banner = fs.Service(BUILD_DIR, "statuscast-banner", [
            "--grpc_address=127.0.0.1:%d" % self.banner_grpc,
            "--http_address=127.0.0.1:%d" % self.banner_http,
            "--metrics_address=127.0.0.1:%d" % fs.free_port(),
            "--heartbeat_interval=1s", "--banner_validity=%ds" % VALIDITY_SECONDS,
            "--reconcile_interval=2s"], GEN, env)
        self.channel = grpc.insecure_channel("127.0.0.1:%d" % self.comms_port)
        grpc.channel_ready_future(self.channel).result(timeout=30)
        self.stub = pb_grpc.IncidentServiceStub(self.channel)
        self.http = "http://127.0.0.1:%d" % self.banner_http
        fs.wait_http(self.http + "/healthz")

    def tearDown(self):
        if self.channel is not None:
            self.channel.close()
        for service in (self.banner, self.comms):
            if service is not None:
                service.stop()
        for cluster in (self.standby, self.pg):
            if cluster is not None:
                cluster.close()

    def test_writes_refused_honestly_and_reads_served_through_a_10s_outage(self):
        self.start_services(self.pg.url)

        def outage():
            self.pg.stop()
            time.sleep(OUTAGE_SECONDS)
            back = time.time()
            self.pg.start()
            return back
        self.run_through(outage, self.pg, "PostgreSQL outage figures (%d s outage" % (
            OUTAGE_SECONDS), OUTAGE_SECONDS)

    def test_a_promoted_standby_takes_over(self):
        # A synchronous streaming standby (pg_basebackup -R); the services
        # know both hosts and let libpq find the one that takes writes.
        self.standby = fs.Standby(self.pg)
        self.start_services(
            "postgresql://postgres@127.0.0.1:%d,127.0.0.1:%d/postgres"
            "?target_session_attrs=read-write&connect_timeout=2" % (
                self.pg.port, self.standby.port))

        def failover():
            self.pg.stop()  # the primary goes; a failover manager notices...
            time.sleep(FAILOVER_DETECTION_SECONDS)
            back = time.time()
            self.standby.promote()  # ...and promotes the standby
            return back
        self.run_through(failover, self.standby,
                         "PostgreSQL failover figures (primary stopped, standby promoted "
                         "%d s later" % FAILOVER_DETECTION_SECONDS, FAILOVER_DETECTION_SECONDS)

    def run_through(self, fault, after_cluster, title, outage_seconds):
        """Writes, a stream and a poller run through fault(), which returns
        when the database came back; after_cluster holds the data then."""
        self.stub.CreateComponent(pb.CreateComponentRequest(name="search"))
        declared = self.stub.DeclareIncident(fs.search_is_slow(
            channels=[pb.CHANNEL_STATUS_PAGE, pb.CHANNEL_IN_APP_BANNER], author="responder"))
        ref = declared.incident.ref
        state = {"version": declared.incident.version}
        acked, refused, in_doubt = [], [], []  # (key, sequence) / (key, code, message, t)
        stop = threading.Event()
        outage = {}

        def post(key, n, version):
            req = pb.PostUpdateRequest(
                incident_ref=ref, expected_version=version, idempotency_key=key,
                author="responder", update=pb.UpdateDraft(
                    message="We're still working on slow search results (update %d)." % n,
                    channels=[pb.CHANNEL_STATUS_PAGE, pb.CHANNEL_IN_APP_BANNER]))
            return self.stub.PostUpdate(req, timeout=5)

        def writer():
            n = 0
            while not stop.is_set():
                n += 1
                key = uuid.uuid4().hex
                version = state["version"]
                try:
                    r = post(key, n, version)
                    acked.append((key, r.sequence))
                    state["version"] = r.incident.version
                    outage["last_ack"] = time.time()
                except grpc.RpcError as e:
                    if e.code() == grpc.StatusCode.ABORTED:  # version moved (an in-doubt write)
                        try:
                            state["version"] = self.stub.GetIncident(
                                pb.GetIncidentRequest(incident_ref=ref), timeout=5).version
                        except grpc.RpcError:
                            pass
                    elif "may or may not have happened" in (e.details() or ""):
                        in_doubt.append((key, n, version))
                    else:
                        refused.append((key, e.code(), e.details(), time.time()))
                time.sleep(0.05)

        stream_events = []  # (received_at, kind, version, valid_until)
        stream_error = []
        banner_channel = grpc.insecure_channel("127.0.0.1:%d" % self.banner_grpc)
        banner_stub = banner_pb2_grpc.BannerServiceStub(banner_channel)
        stream = banner_stub.Subscribe(banner_pb2.SubscribeRequest(app="web", path="/"))

        def subscriber():
            try:
                for m in stream:
                    if m.HasField("set"):
                        stream_events.append((time.time(), "set", m.set.version,
                                              m.set.valid_until.seconds))
                    elif m.HasField("heartbeat"):
                        stream_events.append((time.time(), "heartbeat", m.heartbeat.version,
                                              m.heartbeat.valid_until.seconds))
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.CANCELLED:
                    stream_error.append("%s %s" % (e.code(), e.details()))

        polls = []  # (t, snapshot status, snapshot valid_until, status.json status)

        def poller():
            while not stop.is_set():
                t = time.time()
                code, body = fs.http_get(self.http + "/v1/banners?app=web&path=/")
                valid_until = None
                if code == 200:
                    valid_until = parse_time(json.loads(body)["validUntil"])
                status_code, _ = fs.http_get(self.http + "/v1/status.json")
                polls.append((t, code, valid_until, status_code))
                time.sleep(0.25)

        threads = [threading.Thread(target=f) for f in (writer, poller)]
        sub = threading.Thread(target=subscriber)
        sub.start()
        for t in threads:
            t.start()
        time.sleep(3)
        outage["stop"] = time.time()
        outage["start"] = fault()
        outage["back"] = time.time()
        # Writes come back by themselves.
        deadline = time.time() + 30
        acked_before = len(acked)
        while time.time() < deadline and not any(
                seq for _, seq in acked[acked_before:]):
            time.sleep(0.1)
        outage["first_write"] = time.time()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join()

        # In-doubt writes are settled by retrying the identical request (same
        # key, same expected version): one that committed is replayed; one
        # that did not is refused ABORTED, since the version has moved on.
        not_applied = []
        for key, n, version in in_doubt:
            settled = False
            for _ in range(20):
                try:
                    r = post(key, n, version)
                    acked.append((key, r.sequence))
                    settled = True
                    break
                except grpc.RpcError as e:
                    if e.code() == grpc.StatusCode.ABORTED:
                        not_applied.append(key)
                        settled = True
                        break
                    time.sleep(0.2)
            self.assertTrue(settled, "in-doubt write %s never settled" % key)

        during = [r for r in refused if outage["stop"] <= r[3] <= outage["first_write"]]
        self.assertGreater(len(during), 5, "the writer should have met the outage")
        for key, code, message, _ in refused:
            self.assertEqual(code, grpc.StatusCode.UNAVAILABLE, message)
            self.assertIn("retry", message)

        # The change log: gapless, every acknowledged write there, no refused one.
        seqs = [int(s) for s in after_cluster.psql(
            "SELECT sequence FROM change_log ORDER BY sequence").split()]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "the change log has a gap")
        in_log = set(seqs)
        for key, seq in acked:
            self.assertIn(seq, in_log)
        keys = set(after_cluster.psql("SELECT key FROM idempotency_keys").split())
        self.assertTrue({k for k, _ in acked} <= keys)
        self.assertFalse({k for k, _, _, _ in refused} & keys, "a refused write was applied")
        self.assertFalse(set(not_applied) & keys, "an in-doubt write refused on retry was applied")
        updates = int(after_cluster.psql(
            "SELECT count(*) FROM incident_updates u JOIN incidents i ON i.id = u.incident_id "
            "WHERE i.ref = '%s'" % ref))
        self.assertEqual(updates, 1 + len(acked), "updates table and acknowledgements differ")

        # Reads throughout: 200 with the last known state, validity not moving.
        in_outage = [p for p in polls if outage["stop"] + 0.5 < p[0] < outage["start"]]
        self.assertTrue(in_outage)
        self.assertTrue(all(p[1] == 200 and p[3] == 200 for p in in_outage),
                        [p for p in in_outage if p[1] != 200 or p[3] != 200])
        max_valid = max(p[2] for p in in_outage)
        self.assertLessEqual(max_valid, outage["stop"] + VALIDITY_SECONDS + 1,
                             "valid_until kept moving while PostgreSQL was away")
        heartbeats = [e for e in stream_events
                      if e[1] == "heartbeat" and outage["stop"] + 0.5 < e[0] < outage["start"]]
        self.assertTrue(heartbeats, "heartbeats continue during the outage")
        self.assertLessEqual(max(e[3] for e in heartbeats),
                             outage["stop"] + VALIDITY_SECONDS + 1)
        expired = [p for p in in_outage if p[2] < p[0]]
        if outage_seconds > VALIDITY_SECONDS + 1:
            self.assertTrue(expired, "an outage longer than the validity: sets must expire")

        # Convergence: the stream and the snapshot reach the last write.
        last = max(seqs)
        converged_at = None
        deadline = time.time() + 20
        while time.time() < deadline:
            code, body = fs.http_get(self.http + "/v1/banners?app=web&path=/")
            sets = [e for e in stream_events if e[1] == "set"]
            if (code == 200 and int(json.loads(body)["version"]) == last and sets
                    and sets[-1][2] == last):
                converged_at = time.time()
                break
            time.sleep(0.1)
        self.assertIsNotNone(converged_at, "banners did not converge to sequence %d" % last)
        code, body = fs.http_get(self.http + "/v1/banners?app=web&path=/")
        self.assertGreater(parse_time(json.loads(body)["validUntil"]), time.time())
        stream.cancel()
        sub.join()
        banner_channel.close()
        self.assertEqual(stream_error, [], "the Subscribe stream broke")

        print("\n%s, banner validity %d s):" % (title, VALIDITY_SECONDS))
        print("  writes acknowledged %d, refused UNAVAILABLE %d (during the outage %d), "
              "in doubt then settled %d" % (len(acked), len(refused), len(during),
                                             len(in_doubt)))
        print("  refusal message: %s" % (during[0][2] if during else "-"))
        print("  first acknowledged write %.2f s after PostgreSQL started or was promoted" % (
            outage["first_write"] - outage["start"]))
        print("  change log: %d rows, sequences 1..%d, no gap; refused writes in it: 0" % (
            len(seqs), last))
        print("  snapshot and /v1/status.json during the outage: %d/%d polls 200" % (
            sum(1 for p in in_outage if p[1] == 200 and p[3] == 200), len(in_outage)))
        print("  valid_until during the outage: at most %.1f s after the stop (validity %d s); "
              "heartbeats %d, last valid_until %.1f s after the stop" % (
                  max_valid - outage["stop"], VALIDITY_SECONDS, len(heartbeats),
                  max(e[3] for e in heartbeats) - outage["stop"]))
        print("  stream and snapshot at the last write (sequence %d) %.2f s after it was "
              "acknowledged" % (last, max(0.0, converged_at - outage["last_ack"])))
        log = self.banner.log_text()
        self.assertIn("banner_sync_failed", log)
        self.assertIn("banner_sync_ok", log)
        print("  banner log: %s" % [line for line in log.splitlines()
                                    if "banner_sync_failed" in line][0][:200])


if __name__ == "__main__":
    unittest.main(verbosity=2)
