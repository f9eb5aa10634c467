#!/usr/bin/python3
"""The default next-update promise is the server's (issue 15, part 1).

statuscast-comms runs with `--cadence SEV-1=20m`. `statuscastctl declare` and
`statuscastctl update` without --next ask the server for its default promise
(UpdateDraft.use_default_next_update): the promise is +20 minutes (to the
minute), and the status-page message states it. An independent client (Debian
python3-grpcio, stubs from our .proto) that sends a SEV-1 update with no
promise and without asking for the default still gets INVALID_ARGUMENT naming
next_update_at.

Usage: default_promise_test.py BUILD_DIR SOURCE_DIR  (needs STATUSCAST_TEST_DATABASE_URL)
"""
import collections
import datetime
import json
import os
import re
import subprocess
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402

BUILD_DIR, SOURCE_DIR, GEN = fs.start_test("statuscast-promise-")
COMMS = os.path.join(BUILD_DIR, "services/comms/statuscast-comms")
CTL = os.path.join(BUILD_DIR, "services/ctl/statuscastctl")
import grpc  # noqa: E402
from statuscast.v1 import incident_pb2 as pb  # noqa: E402
from statuscast.v1 import incident_pb2_grpc as pb_grpc  # noqa: E402
from statuscast.v1 import incident_enums_pb2 as enums  # noqa: E402


class _CallDetails(collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready",
                         "compression")), grpc.ClientCallDetails):
    pass


class BearerToken(grpc.UnaryUnaryClientInterceptor):
    def __init__(self, token):
        self.token = token

    def intercept_unary_unary(self, continuation, d, request):
        metadata = list(d.metadata or []) + [("authorization", "Bearer " + self.token)]
        return continuation(_CallDetails(d.method, d.timeout, metadata, d.credentials,
                                         getattr(d, "wait_for_ready", None),
                                         getattr(d, "compression", None)), request)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class DefaultPromiseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = fs.TestDatabase("statuscast_promise_")
        url = cls.db.url
        r = subprocess.run([COMMS, "--database_url=" + url, "--create_token=promise-test",
                            "--token_scope=admin", "--token_ttl=1h"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        cls.token = r.stdout.strip()
        port = fs.free_port()
        cls.log = open(os.path.join(GEN, "comms.log"), "w")
        env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")}
        cls.proc = subprocess.Popen(
            [COMMS, "--database_url=" + url, "--grpc_address=127.0.0.1:%d" % port,
             "--metrics_address=", "--cadence", "SEV-1=20m"], env=env, stderr=cls.log)
        cls.channel = grpc.insecure_channel("127.0.0.1:%d" % port)
        grpc.channel_ready_future(cls.channel).result(timeout=30)
        cls.stub = pb_grpc.IncidentServiceStub(
            grpc.intercept_channel(cls.channel, BearerToken(cls.token)))
        cls.env = dict(env, STATUSCAST_SERVER="127.0.0.1:%d" % port, STATUSCAST_TOKEN=cls.token)
        cls.stub.CreateComponent(pb.CreateComponentRequest(name="checkout"), timeout=10)

    @classmethod
    def tearDownClass(cls):
        fs.stop_cleanly(cls.proc, cls.log, channel=cls.channel, db=cls.db)

    def ctl(self, *args):
        r = subprocess.run([CTL] + list(args), capture_output=True, text=True, env=self.env,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def promise_of(self, ref):
        inc = json.loads(self.ctl("show", ref, "--json"))
        return inc, datetime.datetime.fromisoformat(inc["nextUpdateAt"].replace("Z", "+00:00"))

    def assert_twenty_minutes(self, before, promise, after):
        # The cadence from the server's now, cut to the minute: never beyond it.
        self.assertLessEqual(promise, after + datetime.timedelta(minutes=20))
        self.assertGreater(promise, before + datetime.timedelta(minutes=19) -
                           datetime.timedelta(seconds=1))
        self.assertEqual(promise.second, 0)

    def test_statuscastctl_without_next_gets_the_servers_twenty_minutes(self):
        before = utcnow()
        out = self.ctl("declare", "--title", "Checkout failing", "--severity", "SEV-1",
                       "--components", "checkout:major_outage",
                       "--message", "We're investigating failed card payments at checkout.")
        ref = re.search(r"INC-\d+", out).group(0)
        inc, promise = self.promise_of(ref)
        self.assert_twenty_minutes(before, promise, utcnow())

        before = utcnow()
        self.ctl("update", ref, "--state", "identified",
                 "--message", "We've found the cause and are rolling out a fix")
        inc, promise = self.promise_of(ref)
        self.assert_twenty_minutes(before, promise, utcnow())
        last = [e["update"] for e in inc["timeline"] if "update" in e][-1]
        # The status-page text states the promise the record holds.
        self.assertEqual(last["message"],
                         "We've found the cause and are rolling out a fix. Next update by %s UTC."
                         % promise.strftime("%H:%M"))

    def test_a_client_that_neither_promises_nor_asks_for_the_default_is_refused(self):
        inc = self.stub.DeclareIncident(pb.DeclareIncidentRequest(
            title="Search slow", severity=enums.SEVERITY_SEV1,
            affected_components=[pb.AffectedComponent(name="checkout")],
            author="py", idempotency_key=uuid.uuid4().hex), timeout=10).incident
        with self.assertRaises(grpc.RpcError) as e:
            self.stub.PostUpdate(pb.PostUpdateRequest(
                incident_ref=inc.ref, expected_version=inc.version,
                idempotency_key=uuid.uuid4().hex, author="py",
                update=pb.UpdateDraft(state=enums.INCIDENT_STATE_INVESTIGATING,
                                      message="We're investigating slow search.",
                                      channels=[enums.CHANNEL_STATUS_PAGE])), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("next_update_at: is required for SEV-1", e.exception.details())
        self.assertIn("use_default_next_update", e.exception.details())


if __name__ == "__main__":
    unittest.main(verbosity=2)
