#!/usr/bin/python3
"""Cadence compliance end to end: a scripted SEV-1 through statuscast-comms
(real gRPC, real PostgreSQL), then statuscast-banner's /metrics scraped over
HTTP: overdue, late first communication, missed promise, open incidents,
subscribers; `promtool check metrics` on every endpoint's output; and
`statuscastctl show` tells the responder the update is OVERDUE.

Usage: metrics_test.py BUILD_DIR SOURCE_DIR  (needs STATUSCAST_TEST_DATABASE_URL)
"""
import datetime
import os
import re
import subprocess
import sys
import threading
import time
import unittest
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402
from fault_support import free_port  # noqa: E402,F401
BUILD_DIR, SOURCE_DIR, GEN = fs.start_test("statuscast-metrics-")
import grpc  # noqa: E402
from statuscast.v1 import incident_pb2 as pb  # noqa: E402
from statuscast.v1 import incident_pb2_grpc as pb_grpc  # noqa: E402


ts = fs.timestamp


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def hhmm(dt):
    return dt.strftime("%H:%M") + " UTC"


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        return r.read().decode()


def value(text, name, **labels):
    """The value of the sample `name{labels}` (labels matched as a subset)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)', line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(3))
    return None


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = fs.TestDatabase("statuscast_metrics_")
        url = cls.db.url
        cls.comms_port, cls.banner_grpc, cls.banner_http = free_port(), free_port(), free_port()
        cls.banner_metrics, cls.comms_metrics = free_port(), free_port()
        # Not about access control (tests/comms/auth_pgtest.cc and
        # independent_client_test.py are): both services without tokens.
        env = dict(os.environ, STATUSCAST_DATABASE_URL=url, STATUSCAST_PROMISE_GRACE="1s",
                   STATUSCAST_AUTH="disabled")
        cls.logs = open(os.path.join(GEN, "services.log"), "w")
        comms_args = [os.path.join(BUILD_DIR, "services/comms/statuscast-comms"),
                      "--grpc_address=127.0.0.1:%d" % cls.comms_port]
        comms_args.append("--metrics_address=127.0.0.1:%d" % cls.comms_metrics)
        cls.comms = subprocess.Popen(comms_args, env=env, stderr=cls.logs)
        cls.banner = subprocess.Popen(
            [os.path.join(BUILD_DIR, "services/banner/statuscast-banner"),
             "--grpc_address=127.0.0.1:%d" % cls.banner_grpc,
             "--http_address=127.0.0.1:%d" % cls.banner_http,
             "--metrics_address=127.0.0.1:%d" % cls.banner_metrics,
             "--compliance_refresh_interval=1s"], env=env, stderr=cls.logs)
        cls.channel = grpc.insecure_channel("127.0.0.1:%d" % cls.comms_port)
        grpc.channel_ready_future(cls.channel).result(timeout=30)
        cls.stub = pb_grpc.IncidentServiceStub(cls.channel)
        for _ in range(100):
            try:
                scrape(cls.banner_metrics)
                break
            except OSError:
                time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        for p in (cls.comms, cls.banner):
            p.terminate()
        codes = [p.wait(timeout=30) for p in (cls.comms, cls.banner)]
        cls.logs.close()
        cls.db.drop()
        assert codes == [0, 0], "services did not stop cleanly on SIGTERM: %s" % codes

    def wait_metric(self, name, expected, timeout=10, **labels):
        deadline = time.time() + timeout
        got = None
        while time.time() < deadline:
            got = value(scrape(self.banner_metrics), name, **labels)
            if got is not None and expected(got):
                return got
            time.sleep(0.2)
        self.fail("%s%s never satisfied the check; last value %r" % (name, labels, got))

    def promtool_check(self, text):
        r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_a_scripted_sev1_shows_in_metrics(self):
        s = self.stub
        s.CreateComponent(pb.CreateComponentRequest(name="checkout", banner_apps=["shop"]))
        # Confirmed 25 minutes ago: the first communication is late (target 15m).
        start = utcnow() - datetime.timedelta(minutes=25)
        promise = utcnow() + datetime.timedelta(seconds=4)
        declared = s.DeclareIncident(pb.DeclareIncidentRequest(
            title="Checkout failing", severity=pb.SEVERITY_SEV1,
            affected_components=[pb.AffectedComponent(
                name="checkout", status=pb.COMPONENT_STATUS_MAJOR_OUTAGE)],
            confirmed_start=ts(start),
            first_update=pb.UpdateDraft(
                message="We're investigating failed checkouts affecting users of checkout. "
                        "Our team is on it; we'll post the next update by %s." % hhmm(promise),
                channels=[pb.CHANNEL_STATUS_PAGE, pb.CHANNEL_IN_APP_BANNER],
                next_update_at=ts(promise)),
            author="responder", idempotency_key=uuid.uuid4().hex))
        ref = declared.incident.ref

        # A browser-like SSE subscriber counts under transport="sse".
        stream = urllib.request.urlopen(
            "http://127.0.0.1:%d/v1/banners/stream?app=shop&path=/checkout" % self.banner_http,
            timeout=10)
        self.assertEqual(stream.headers["Content-Type"].split(";")[0], "text/event-stream")

        self.wait_metric("statuscast_first_communications_late_total", lambda v: v == 1,
                         severity="SEV-1")
        self.wait_metric("statuscast_first_communication_delay_seconds_count", lambda v: v == 1,
                         severity="SEV-1")
        self.wait_metric("statuscast_incidents_open", lambda v: v == 1, severity="SEV-1",
                         state="investigating")
        self.wait_metric("statuscast_banner_subscribers", lambda v: v == 1, transport="sse")
        # The promise passes (grace 1s here): overdue now.
        overdue_by = self.wait_metric("statuscast_incident_overdue_seconds_max",
                                      lambda v: v > 0, timeout=15)
        self.assertGreater(overdue_by, 0)
        self.assertEqual(value(scrape(self.banner_metrics), "statuscast_incidents_overdue"), 1)

        # statuscastctl tells the responder too.
        show = subprocess.run(
            [os.path.join(BUILD_DIR, "services/ctl/statuscastctl"), "show", ref,
             "--server=127.0.0.1:%d" % self.comms_port], capture_output=True, text=True)
        self.assertEqual(show.returncode, 0, show.stderr)
        self.assertIn("OVERDUE", show.stdout)

        # A late update settles the promise as missed and ends the overdue.
        current = s.GetIncident(pb.GetIncidentRequest(incident_ref=ref))
        nxt = utcnow() + datetime.timedelta(minutes=20)
        s.PostUpdate(pb.PostUpdateRequest(
            incident_ref=ref, expected_version=current.version, idempotency_key=uuid.uuid4().hex,
            author="responder",
            update=pb.UpdateDraft(
                state=pb.INCIDENT_STATE_IDENTIFIED,
                message="We've identified the cause of the failed checkouts and are fixing it. "
                        "Next update by %s." % hhmm(nxt),
                channels=[pb.CHANNEL_STATUS_PAGE], next_update_at=ts(nxt))))
        self.wait_metric("statuscast_promises_total", lambda v: v == 1, severity="SEV-1",
                         outcome="missed")
        self.wait_metric("statuscast_incidents_overdue", lambda v: v == 0)
        self.wait_metric("statuscast_incidents_open", lambda v: v == 1, severity="SEV-1",
                         state="identified")
        self.wait_metric("statuscast_update_interval_seconds_count", lambda v: v == 1,
                         severity="SEV-1")
        stream.close()

        banner_text = scrape(self.banner_metrics)
        self.promtool_check(banner_text)
        self.assertIsNotNone(value(banner_text, "statuscast_banner_commit_to_send_seconds_count",
                                   transport="sse"))
        comms_text = scrape(self.comms_metrics)
        self.promtool_check(comms_text)
        self.assertIsNotNone(value(comms_text, "statuscast_grpc_requests_total",
                                   method="/statuscast.v1.IncidentService/DeclareIncident"),
                             comms_text[:2000])


if __name__ == "__main__":
    unittest.main(verbosity=2)
