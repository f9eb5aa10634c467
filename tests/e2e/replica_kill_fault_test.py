#!/usr/bin/python3
"""A banner replica SIGKILLed under load, then restarted.

Two statuscast-banner replicas over one PostgreSQL cluster of the test's own;
N SSE and N gRPC subscribers (replica_client.py: independent clients, asyncio,
several processes) spread over both; a banner change every second through
the other replica's BannerAdminService. One replica gets kill -9 and is
started again a second later. Proven:
  - every subscriber that was on the killed replica reconnects (SSE after the
    server's retry hint with Last-Event-ID, gRPC after a jittered backoff with
    last_version) and holds the newest set within 5 s of the kill;
  - no subscriber ever receives a set older than one it already had;
  - the subscribers on the other replica never notice; the restarted replica
    serves the newest set; at the end everyone holds the last change.
Prints the reconnect and convergence times (p50/p99).

N is 2,000 (STATUSCAST_REPLICA_KILL_SUBSCRIBERS changes it): the whole run
takes about 30 s on two busy cores, so ctest runs it at full size.

Usage: replica_kill_fault_test.py BUILD_DIR SOURCE_DIR
"""
import bisect
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fault_support as fs  # noqa: E402

BUILD_DIR, SOURCE_DIR, GEN = fs.start_test("statuscast-replica-kill-")
import grpc  # noqa: E402
from statuscast.v1 import banner_pb2 as bpb  # noqa: E402
from statuscast.v1 import banner_pb2_grpc as bpb_grpc  # noqa: E402

N = int(os.environ.get("STATUSCAST_REPLICA_KILL_SUBSCRIBERS", "2000"))
PER_PROCESS = 1000
CONVERGE_S = 5.0
PROPAGATION_S = 1.0  # a change reaches the reference subscriber in well under this


class Replica:
    def __init__(self, name, pg_url, log_dir):
        self.name, self.pg_url = name, pg_url
        self.grpc_port, self.http_port, self.metrics_port = (fs.free_port(), fs.free_port(),
                                                             fs.free_port())
        self.log_dir = os.path.join(log_dir, name)
        os.makedirs(self.log_dir, exist_ok=True)
        self.service = None
        self.start()

    def start(self):
        if self.service is not None:
            self.service.log.close()
        self.service = fs.Service(BUILD_DIR, "statuscast-banner", [
            "--grpc_address=127.0.0.1:%d" % self.grpc_port,
            "--http_address=127.0.0.1:%d" % self.http_port,
            "--metrics_address=127.0.0.1:%d" % self.metrics_port,
            "--heartbeat_interval=10s"], self.log_dir,
            {"STATUSCAST_DATABASE_URL": self.pg_url, "STATUSCAST_AUTH": "disabled"})
        fs.wait_http("http://127.0.0.1:%d/readyz" % self.http_port)

    def subscribers(self, transport):
        _, text = fs.http_get("http://127.0.0.1:%d/metrics" % self.metrics_port)
        m = re.search(r'^statuscast_banner_subscribers\{[^}]*transport="%s"[^}]*\}\s+(\S+)' %
                      transport, text, re.M)
        return int(float(m.group(1))) if m else None

    @property
    def address(self):
        return "127.0.0.1:%d/%d" % (self.grpc_port, self.http_port)


class ReplicaKillTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="statuscast-replica-kill-run-")
        self.pg = fs.OwnCluster()
        self.replicas, self.clients = [], []
        try:
            self.replicas = [Replica("a", self.pg.url, self.dir),
                             Replica("b", self.pg.url, self.dir)]
        except BaseException:
            self.tearDown()
            raise

    def tearDown(self):
        for c in self.clients:
            if c.poll() is None:
                c.kill()
                c.wait()
            c.stdin.close()
            c.stdout.close()
        for r in self.replicas:
            r.service.stop()
        self.pg.close()

    def test_subscribers_of_a_killed_replica_converge_within_5s(self):
        a, b = self.replicas
        channel = grpc.insecure_channel("127.0.0.1:%d" % b.grpc_port)
        admin = bpb_grpc.BannerAdminServiceStub(channel)
        banner = admin.CreateBanner(bpb.CreateBannerRequest(banner=bpb.ManualBanner(
            text="Scheduled maintenance tonight", level=bpb.BANNER_LEVEL_MAINTENANCE,
            target=bpb.BannerTarget(apps=["web"]), enabled=True), author="test"), timeout=10)

        # The reference: one subscriber on the replica that stays up.
        reference = []  # (time, version), as the newest set became known
        ref_call = bpb_grpc.BannerServiceStub(channel).Subscribe(
            bpb.SubscribeRequest(app="web", path="/"))

        def read_reference():
            try:
                for m in ref_call:
                    if m.HasField("set"):
                        reference.append((time.time(), m.set.version))
            except grpc.RpcError:
                pass
        ref_thread = threading.Thread(target=read_reference)
        ref_thread.start()

        stop = threading.Event()
        changes = []

        def change_every_second():
            n = 0
            while not stop.wait(1.0):
                n += 1
                try:
                    admin.UpdateBanner(bpb.UpdateBannerRequest(banner=bpb.ManualBanner(
                        id=banner.id, text="Maintenance moved (%d) %s" % (n, uuid.uuid4().hex[:6]),
                        level=banner.level, target=banner.target, enabled=True),
                        author="test"), timeout=5)
                    changes.append(time.time())
                except grpc.RpcError as e:
                    changes.append(-1)
                    print("change %d failed: %s" % (n, e.details()))

        replicas_arg = ",".join(r.address for r in self.replicas)
        outputs = []
        started = time.time()
        for kind in ("sse", "grpc"):
            left = N
            while left > 0:
                count = min(PER_PROCESS, left)
                left -= count
                out = os.path.join(self.dir, "%s-%d.json" % (kind, len(outputs)))
                outputs.append((kind, out))
                self.clients.append(subprocess.Popen(
                    ["/usr/bin/python3", os.path.join(HERE, "replica_client.py"), GEN, kind,
                     str(count), replicas_arg, out],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        for c in self.clients:
            self.assertEqual(c.stdout.readline().strip(), "ready")
        ready_s = time.time() - started
        on_a = {t: a.subscribers(t) for t in ("sse", "grpc")}
        on_b = {t: b.subscribers(t) for t in ("sse", "grpc")}

        changer = threading.Thread(target=change_every_second)
        changer.start()
        time.sleep(4)
        killed_at = time.time()
        a.service.proc.kill()  # SIGKILL: no goodbye to anyone
        a.service.proc.wait()
        time.sleep(1)
        restart_at = time.time()
        a.start()
        restarted_s = time.time() - restart_at
        time.sleep(max(0.0, killed_at + CONVERGE_S + 4 - time.time()))
        stop.set()
        changer.join()
        time.sleep(2)  # the last change reaches everyone
        # The restarted replica serves the newest set to a new client.
        fresh = bpb_grpc.BannerServiceStub(grpc.insecure_channel(
            "127.0.0.1:%d" % a.grpc_port)).GetBanners(
                bpb.GetBannersRequest(app="web", path="/"), timeout=5)
        for c in self.clients:
            c.stdin.write("stop\n")
            c.stdin.flush()
        for c in self.clients:
            self.assertEqual(c.stdout.readline().strip(), "written")
            c.wait(timeout=30)
        ref_call.cancel()
        ref_thread.join()
        channel.close()

        ref_times = [t for t, _ in reference]
        ref_versions = [v for _, v in reference]

        def newest_at(t):
            i = bisect.bisect_right(ref_times, t)
            return ref_versions[i - 1] if i else 0

        last = ref_versions[-1]
        self.assertEqual(fresh.version, last, "the restarted replica serves an old set")
        self.assertGreaterEqual(sum(1 for c in changes if c > 0), CONVERGE_S + 4)

        figures = {}
        for kind in ("sse", "grpc"):
            records = []
            for k, out in outputs:
                if k == kind:
                    with open(out) as f:
                        records += json.load(f)
            self.assertEqual(len(records), N)
            moved, reconnect, converge, failures, older, b_breaks = 0, [], [], [], 0, 0
            for s in records:
                older += len(s["older"])
                before = [c for c in s["connections"] if c[0] <= killed_at]
                breaks_before = [t for t in s["breaks"] if t <= killed_at]
                self.assertEqual(s["sets"][-1][1], last, "a %s subscriber ended behind" % kind)
                on_killed = (before and before[-1][1] == 0 and
                             not [t for t in breaks_before if t > before[-1][0]])
                if not on_killed:
                    b_breaks += len([t for t in s["breaks"] if t > killed_at])
                    continue
                moved += 1
                after = [c for c in s["connections"] if c[0] > killed_at]
                if not after:
                    failures.append("never reconnected")
                    continue
                reconnect.append(after[0][0] - killed_at)
                # Converged: on the new connection and holding the newest set
                # (give or take one change's propagation).
                start = after[0][0]
                held = max([v for t, v in s["sets"] if t <= start] or [0])
                converged = start if held >= newest_at(start - PROPAGATION_S) else None
                for t, v in s["sets"]:
                    if converged is not None:
                        break
                    if t > start:
                        held = max(held, v)
                        if held >= newest_at(t - PROPAGATION_S):
                            converged = t
                if converged is None:
                    failures.append("never held the newest set")
                    continue
                converge.append(converged - killed_at)
            figures[kind] = (moved, reconnect, converge, failures, older, b_breaks)

        print("\nBanner replica kill figures (%d SSE + %d gRPC subscribers over 2 replicas, "
              "a change every second, kill -9 then restart after 1 s):" % (N, N))
        print("  all subscribers had their first set %.1f s after the clients started; "
              "on the killed replica: SSE %s, gRPC %s; on the other: SSE %s, gRPC %s" % (
                  ready_s, on_a["sse"], on_a["grpc"], on_b["sse"], on_b["grpc"]))
        print("  the killed replica was ready again %.2f s after its restart; it then served "
              "version %d (the newest)" % (restarted_s, fresh.version))
        for kind in ("sse", "grpc"):
            moved, reconnect, converge, failures, older, b_breaks = figures[kind]
            print("  %s: %d moved; reconnected p50 %.2f s, p99 %.2f s, max %.2f s after the "
                  "kill; held the newest set p50 %.2f s, p99 %.2f s, max %.2f s; "
                  "failures %d; sets older than one already held %d; breaks on the other "
                  "replica %d" % (
                      kind.upper(), moved, fs.percentile(reconnect, 50),
                      fs.percentile(reconnect, 99), max(reconnect or [float("nan")]),
                      fs.percentile(converge, 50), fs.percentile(converge, 99),
                      max(converge or [float("nan")]), len(failures), older, b_breaks))
        for kind in ("sse", "grpc"):
            moved, reconnect, converge, failures, older, b_breaks = figures[kind]
            self.assertEqual(moved, on_a[kind], "%s subscribers on the killed replica" % kind)
            self.assertGreater(moved, N // 4)
            self.assertEqual(failures, [], kind)
            self.assertEqual(older, 0, "a %s subscriber received an older set" % kind)
            self.assertEqual(b_breaks, 0, "%s subscribers on the other replica broke" % kind)
            self.assertLessEqual(max(converge), CONVERGE_S, kind)


if __name__ == "__main__":
    unittest.main(verbosity=2)
