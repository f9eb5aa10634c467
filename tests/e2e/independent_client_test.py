#!/usr/bin/python3
"""A whole SEV-1 driven through statuscast-comms by an independent gRPC
implementation (Debian's python3-grpcio, stubs generated from our .proto at
test time): declare, two updates, escalation, resolve, postmortem. The server
runs with its default --auth=required; the client authenticates as a real one
would, with a bearer token made by `statuscast-comms --create_token`.

Usage: independent_client_test.py BUILD_DIR SOURCE_DIR   (needs
STATUSCAST_TEST_DATABASE_URL, which scripts/test sets)
"""
import collections
import datetime
import os
import subprocess
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402
from fault_support import free_port  # noqa: E402,F401
BUILD_DIR, SOURCE_DIR, GEN = fs.start_test("statuscast-py-")

import grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from statuscast.v1 import incident_pb2 as pb  # noqa: E402
from statuscast.v1 import incident_pb2_grpc as pb_grpc  # noqa: E402


ts = fs.timestamp


def create_token(url, name, scope):
    """The secret `statuscast-comms --create_token` prints (alone on stdout)."""
    r = subprocess.run(
        [os.path.join(BUILD_DIR, "services/comms/statuscast-comms"), "--database_url=" + url,
         "--create_token=" + name, "--token_scope=" + scope, "--token_ttl=1h"],
        capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    secret = r.stdout.strip()
    assert secret.startswith("sct_") and "\n" not in secret, r.stdout
    assert "shown only now" in r.stderr, r.stderr
    return secret


class _CallDetails(collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready",
                         "compression")), grpc.ClientCallDetails):
    pass


class BearerToken(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds "authorization: Bearer <token>" to every call."""

    def __init__(self, token):
        self.token = token

    def _with_token(self, d):
        metadata = list(d.metadata or []) + [("authorization", "Bearer " + self.token)]
        return _CallDetails(d.method, d.timeout, metadata, d.credentials,
                            getattr(d, "wait_for_ready", None), getattr(d, "compression", None))

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_token(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._with_token(details), request)


def with_token(channel, token):
    return grpc.intercept_channel(channel, BearerToken(token))


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class IndependentClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = fs.TestDatabase("statuscast_py_")
        url = cls.db.url
        # Tokens before the server starts, as an operator bootstraps one.
        cls.token = create_token(url, "py-client", "admin")
        cls.read_token = create_token(url, "py-reader", "read")
        port = free_port()
        cls.log = open(os.path.join(GEN, "comms.log"), "w")
        cls.proc = subprocess.Popen(
            [os.path.join(BUILD_DIR, "services/comms/statuscast-comms"),
             "--database_url=" + url, "--grpc_address=127.0.0.1:%d" % port,
             "--metrics_address=", "--log_format=json"], stderr=cls.log)
        # The raw channel carries no token (health, reflection, refusals).
        cls.address = "127.0.0.1:%d" % port
        cls.channel = grpc.insecure_channel(cls.address)
        grpc.channel_ready_future(cls.channel).result(timeout=30)
        cls.stub = pb_grpc.IncidentServiceStub(with_token(cls.channel, cls.token))
        cls.reader = pb_grpc.IncidentServiceStub(with_token(cls.channel, cls.read_token))
        cls.anonymous = pb_grpc.IncidentServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        fs.stop_cleanly(cls.proc, cls.log, channel=cls.channel, db=cls.db)

    def key(self):
        return uuid.uuid4().hex

    def test_a_whole_sev1(self):
        s = self.stub
        s.CreateComponent(pb.CreateComponentRequest(name="payments", group="shop"))
        start = now() - datetime.timedelta(minutes=5)
        # The server lints every update and, by default, refuses SEV-1/SEV-2
        # updates with lint errors: the first update states its promise.
        first_promise = (now() + datetime.timedelta(minutes=50)).replace(second=0, microsecond=0)
        declared = s.DeclareIncident(pb.DeclareIncidentRequest(
            title="Payments failing", severity=pb.SEVERITY_SEV2,
            affected_components=[pb.AffectedComponent(
                name="payments", status=pb.COMPONENT_STATUS_PARTIAL_OUTAGE)],
            confirmed_start=ts(start),
            first_update=pb.UpdateDraft(
                message="We're investigating failed payments affecting some customers; "
                        "next update by " + first_promise.strftime("%H:%M") + " UTC.",
                channels=[pb.CHANNEL_STATUS_PAGE, pb.CHANNEL_IN_APP_BANNER],
                next_update_at=ts(first_promise)),
            author="py-responder", idempotency_key=self.key()))
        inc = declared.incident
        self.assertTrue(inc.ref.startswith("INC-"))
        # The author is the token's name, not the request's author field.
        self.assertEqual(declared.update.author, "py-client")
        self.assertEqual(declared.update.kind, pb.UPDATE_KIND_FIRST)
        self.assertGreaterEqual(inc.first_communication_delay.seconds, 300)

        # Two updates; on a SEV-2 each states its next update time (lint error
        # update-missing-next-update otherwise, and the server refuses it).
        promise = (now() + datetime.timedelta(minutes=45)).replace(second=0, microsecond=0)
        r = s.PostUpdate(pb.PostUpdateRequest(
            incident_ref=inc.ref, expected_version=inc.version, idempotency_key=self.key(),
            author="py-responder",
            update=pb.UpdateDraft(state=pb.INCIDENT_STATE_IDENTIFIED,
                                  message="We've identified the cause; next update by "
                                          + promise.strftime("%H:%M") + " UTC.",
                                  channels=[pb.CHANNEL_STATUS_PAGE],
                                  next_update_at=ts(promise))))
        self.assertEqual(r.update.kept_promise, pb.PROMISE_OUTCOME_KEPT)
        promise = (now() + datetime.timedelta(minutes=55)).replace(second=0, microsecond=0)
        r = s.PostUpdate(pb.PostUpdateRequest(
            incident_ref=inc.ref, expected_version=r.incident.version,
            idempotency_key=self.key(), author="py-responder",
            update=pb.UpdateDraft(message="Still working on the fix; no ETA yet; next update by "
                                          + promise.strftime("%H:%M") + " UTC.",
                                  no_progress=True, channels=[pb.CHANNEL_STATUS_PAGE],
                                  next_update_at=ts(promise))))
        self.assertEqual(r.update.kind, pb.UPDATE_KIND_NO_PROGRESS)

        # Escalation tightens the promise to the SEV-1 cadence.
        r = s.ChangeSeverity(pb.ChangeSeverityRequest(
            incident_ref=inc.ref, expected_version=r.incident.version,
            idempotency_key=self.key(), author="py-responder", severity=pb.SEVERITY_SEV1,
            reason="all regions"))
        self.assertEqual(r.incident.severity, pb.SEVERITY_SEV1)
        promise = r.incident.next_update_at.ToDatetime()
        self.assertLessEqual(promise, now() + datetime.timedelta(minutes=30, seconds=5))

        # A stale version is ABORTED with an actionable message.
        with self.assertRaises(grpc.RpcError) as err:
            s.ResolveIncident(pb.ResolveIncidentRequest(
                incident_ref=inc.ref, expected_version=1, idempotency_key=self.key(),
                author="py-responder", message="Resolved."))
        self.assertEqual(err.exception.code(), grpc.StatusCode.ABORTED)
        self.assertIn("retry with expected_version", err.exception.details())

        r = s.ResolveIncident(pb.ResolveIncidentRequest(
            incident_ref=inc.ref, expected_version=r.incident.version,
            idempotency_key=self.key(), author="py-responder",
            message="Resolved: payments work normally again. What happened: a configuration "
                    "change stopped card payments from completing. We're sorry for the failed "
                    "payments. To prevent this from happening again, we now test such changes "
                    "against live traffic first. A more detailed postmortem will be published "
                    "next week."))
        self.assertEqual(r.incident.state, pb.INCIDENT_STATE_RESOLVED)
        self.assertEqual([f.rule_id for f in r.lint_findings], [])
        r = s.PublishPostmortem(pb.PublishPostmortemRequest(
            incident_ref=inc.ref, expected_version=r.incident.version,
            idempotency_key=self.key(), author="py-responder",
            url="https://status.example.com/postmortems/" + inc.ref))
        self.assertTrue(r.incident.postmortem.url.endswith(inc.ref))

        full = s.GetIncident(pb.GetIncidentRequest(incident_ref=inc.ref))
        kinds = [e.WhichOneof("event") for e in full.timeline]
        self.assertEqual(kinds, ["update", "update", "update", "severity_change", "update",
                                 "postmortem"])
        self.assertEqual(full.timeline[-2].update.kind, pb.UPDATE_KIND_RESOLUTION)

    def test_lint_update_names_the_problems_with_their_spans(self):
        from statuscast.v1 import lint_pb2
        text = ("We sincerely apologize for any inconvenience. AWS is having issues; "
                "should be fixed in 30 minutes.")
        r = self.stub.LintUpdate(lint_pb2.LintUpdateRequest(message=text))
        rules = sorted(f.rule_id for f in r.findings)
        self.assertEqual(rules, ["eta-clock", "performative-apology", "third-party-blame"])
        self.assertEqual(r.error_count, 2)
        for f in r.findings:
            self.assertEqual(text.encode()[f.span_start:f.span_end].decode(), f.excerpt)
            self.assertTrue(f.suggestion)

    def test_bad_fields_come_as_google_rpc_bad_request(self):
        with self.assertRaises(grpc.RpcError) as err:
            self.stub.DeclareIncident(pb.DeclareIncidentRequest(
                severity=pb.SEVERITY_SEV1, author="py", idempotency_key=self.key()))
        e = err.exception
        self.assertEqual(e.code(), grpc.StatusCode.INVALID_ARGUMENT)
        trailers = dict(e.trailing_metadata())
        status = status_pb2.Status.FromString(trailers["grpc-status-details-bin"])
        bad = error_details_pb2.BadRequest()
        self.assertTrue(status.details[0].Unpack(bad))
        fields = {v.field for v in bad.field_violations}
        self.assertIn("title", fields)
        self.assertIn("affected_components", fields)

    def test_a_call_without_a_token_is_refused(self):
        with self.assertRaises(grpc.RpcError) as err:
            self.anonymous.ListComponents(pb.ListComponentsRequest())
        self.assertEqual(err.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        self.assertIn("set STATUSCAST_TOKEN or --token", err.exception.details())
        with self.assertRaises(grpc.RpcError) as err:
            pb_grpc.IncidentServiceStub(with_token(self.channel, "sct_forged")).ListComponents(
                pb.ListComponentsRequest())
        self.assertEqual(err.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        self.assertIn("unknown token", err.exception.details())

    def test_a_read_token_cannot_post_an_update(self):
        self.stub.CreateComponent(pb.CreateComponentRequest(name="search"))
        declared = self.stub.DeclareIncident(fs.search_is_slow())
        inc = declared.incident
        with self.assertRaises(grpc.RpcError) as err:
            self.reader.PostUpdate(pb.PostUpdateRequest(
                incident_ref=inc.ref, expected_version=inc.version, idempotency_key=self.key(),
                author="py-reader",
                update=pb.UpdateDraft(state=pb.INCIDENT_STATE_IDENTIFIED,
                                      message="We've found the cause.",
                                      channels=[pb.CHANNEL_STATUS_PAGE])))
        self.assertEqual(err.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        self.assertEqual(err.exception.details(),
                         'PostUpdate needs a token with scope write; token "py-reader" has '
                         'scope read')
        # Reading is allowed, and nothing was posted.
        full = self.reader.GetIncident(pb.GetIncidentRequest(incident_ref=inc.ref))
        self.assertEqual(len(full.timeline), 1)
        self.assertEqual(full.version, inc.version)

    def ctl(self, *args, token=None):
        env = dict(os.environ, STATUSCAST_SERVER=self.address)
        env.pop("STATUSCAST_TOKEN", None)
        if token:
            env["STATUSCAST_TOKEN"] = token
        return subprocess.run([os.path.join(BUILD_DIR, "services/ctl/statuscastctl")] + list(args),
                              env=env, capture_output=True, text=True, timeout=30)

    def test_statuscastctl_sends_the_token_and_manages_tokens(self):
        # No token: nothing is done and the fix is in the command line (exit 2).
        r = self.ctl("components", "list")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("no token: set STATUSCAST_TOKEN or --token; create one with "
                      "statuscast-comms --create_token", r.stderr)
        self.assertEqual(self.ctl("components", "list", token=self.read_token).returncode, 0)
        r = self.ctl("token", "list", token=self.read_token)
        self.assertEqual(r.returncode, 1)
        self.assertIn('ListTokens needs a token with scope admin; token "py-reader" has scope '
                      'read', r.stderr)
        r = self.ctl("token", "create", "py-ctl", "--scope", "write", "--ttl", "1h",
                     token=self.token)
        self.assertEqual(r.returncode, 0, r.stderr)
        secret = r.stdout.strip()
        self.assertTrue(secret.startswith("sct_"), r.stdout)
        r = self.ctl("--token", secret, "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("token", "list", token=self.token)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("py-ctl", r.stdout)
        self.assertNotIn("sct_", r.stdout)
        self.assertEqual(self.ctl("token", "revoke", "py-ctl", token=self.token).returncode, 0)
        r = self.ctl("list", token=secret)
        self.assertEqual(r.returncode, 1)
        self.assertIn('refused the token (--token or STATUSCAST_TOKEN): token "py-ctl" was '
                      'revoked', r.stderr)

    def test_health_and_reflection_are_served(self):
        # Raw bytes keep this independent of any generated health/reflection code.
        # Both answer without a token.
        check = self.channel.unary_unary("/grpc.health.v1.Health/Check",
                                         request_serializer=None, response_deserializer=None)
        self.assertEqual(check(b""), b"\x08\x01")  # status: SERVING
        reflect = self.channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            request_serializer=None, response_deserializer=None)
        replies = b"".join(reflect(iter([b"\x3a\x00"])))  # list_services: ""
        self.assertIn(b"statuscast.v1.IncidentService", replies)

if __name__ == "__main__":
    unittest.main(verbosity=2)
