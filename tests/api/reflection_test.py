#!/usr/bin/python3
"""Server reflection as an independent client sees it: buf curl (npm
@bufbuild/buf, installed by `npm ci` in this folder) against real
statuscast-comms and statuscast-banner processes, both with their default
--auth=required and no token.

On each gRPC port: every service reflection lists is described (buf curl
--list-methods resolves each one's descriptor: this is what failed while
gRPC's built-in health service had none), its methods are the ones proto/
defines, and every method can be called with a request and response built
from the reflected schema: grpc.health.v1.Health/Check answers SERVING,
health and reflection and the public banner reads answer without a token, and
every other method stops at the token check (UNAUTHENTICATED), so nothing
else is public by accident.

Usage: reflection_test.py BUILD_DIR SOURCE_DIR   (needs
STATUSCAST_TEST_DATABASE_URL, which scripts/test sets). A missing
prerequisite fails the test with the reason; nothing is skipped.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

BUILD_DIR, SOURCE_DIR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "support"))
from ports import free_port  # noqa: E402  (below the ephemeral range)

BUF = os.path.join(SOURCE_DIR, "tests/api/node_modules/.bin/buf")
COMMS = os.path.join(BUILD_DIR, "services/comms/statuscast-comms")
BANNER = os.path.join(BUILD_DIR, "services/banner/statuscast-banner")
WORK = tempfile.mkdtemp(prefix="statuscast-reflection-")

HEALTH = "grpc.health.v1.Health"
REFLECTION = "grpc.reflection.v1alpha.ServerReflection"
# What each server must advertise (more is fine if proto/ defines it and it
# passes the checks below).
EXPECTED_SERVICES = {
    "comms": {HEALTH, REFLECTION, "statuscast.v1.IncidentService",
              "statuscast.v1.ComplianceService", "statuscast.v1.TokenService",
              "statuscast.v1.MaintenanceService"},
    "banner": {HEALTH, REFLECTION, "statuscast.v1.BannerService",
               "statuscast.v1.BannerAdminService"},
}


def buf_curl(*args, timeout=60):
    """Runs `buf curl` over plaintext gRPC; returns (exit code, stdout, stderr)."""
    r = subprocess.run([BUF, "curl", "--protocol", "grpc", "--http2-prior-knowledge",
                        "--connect-timeout", "5"] + list(args),
                       capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def error_code(stderr):
    """The gRPC code buf curl printed for a failed call ("unauthenticated"), or None."""
    start = stderr.find("{")
    if start < 0:
        return None
    try:
        return json.loads(stderr[start:]).get("code")
    except ValueError:
        return None


def check_prerequisites():
    problems = []
    if not os.environ.get("STATUSCAST_TEST_DATABASE_URL"):
        problems.append("STATUSCAST_TEST_DATABASE_URL is not set (scripts/test sets it)")
    if not os.access(BUF, os.X_OK):
        problems.append("%s is missing: run `npm ci` in tests/api (scripts/test does; needs "
                        "npm and the npm registry)" % BUF)
    for binary in (COMMS, BANNER):
        if not os.access(binary, os.X_OK):
            problems.append("%s is not built" % binary)
    if problems:
        raise AssertionError("reflection test cannot run: " + "; ".join(problems))


class ReflectionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        check_prerequisites()
        admin = os.environ["STATUSCAST_TEST_DATABASE_URL"]
        cls.db = "statuscast_reflection_" + uuid.uuid4().hex[:12]
        subprocess.run(["psql", admin, "-qc", "CREATE DATABASE " + cls.db], check=True)
        url = admin.rsplit("/", 1)[0] + "/" + cls.db
        env = dict(os.environ, STATUSCAST_DATABASE_URL=url)
        for key in ("STATUSCAST_AUTH", "STATUSCAST_TLS_CERT", "STATUSCAST_TLS_KEY",
                    "STATUSCAST_TLS_CLIENT_CA"):
            env.pop(key, None)  # the defaults: tokens required, plaintext
        cls.ports = {"comms": free_port(), "banner": free_port()}
        cls.log = open(os.path.join(WORK, "services.log"), "w")
        cls.procs = {
            "comms": subprocess.Popen(
                [COMMS, "--grpc_address=127.0.0.1:%d" % cls.ports["comms"],
                 "--metrics_address="], env=env, stderr=cls.log),
            "banner": subprocess.Popen(
                [BANNER, "--grpc_address=127.0.0.1:%d" % cls.ports["banner"],
                 "--http_address=127.0.0.1:%d" % free_port(),
                 "--metrics_address=127.0.0.1:%d" % free_port()], env=env, stderr=cls.log),
        }
        try:
            for name in cls.procs:
                cls.wait_serving(name)
        except BaseException:
            cls.log.flush()
            with open(os.path.join(WORK, "services.log")) as f:
                sys.stderr.write("services' log:\n" + f.read()[-4000:])
            cls.tearDownClass()  # unittest does not call it when setUpClass fails
            raise

    @classmethod
    def wait_serving(cls, name):
        deadline = time.time() + 60
        last = ""
        while time.time() < deadline:
            if cls.procs[name].poll() is not None:
                raise AssertionError("statuscast-%s exited with %d" % (
                    name, cls.procs[name].returncode))
            # The schema from proto/, not reflection: readiness must not
            # depend on what the tests below check.
            code, out, err = buf_curl("--schema", os.path.join(SOURCE_DIR, "proto"),
                                      cls.url(name) + "/" + HEALTH + "/Check")
            if code == 0 and '"SERVING"' in out:
                return
            last = out + err
            time.sleep(0.2)
        raise AssertionError("statuscast-%s did not answer health checks: %s" % (name, last))

    @classmethod
    def tearDownClass(cls):
        procs = getattr(cls, "procs", {})
        cls.procs = {}
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
        codes = {}
        for name, p in procs.items():
            try:
                codes[name] = p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                codes[name] = "still running 30 s after SIGTERM"
        if hasattr(cls, "log"):
            cls.log.close()
        if hasattr(cls, "db"):
            admin = os.environ["STATUSCAST_TEST_DATABASE_URL"]
            subprocess.run(["psql", admin, "-qc", "DROP DATABASE " + cls.db + " WITH (FORCE)"],
                           check=False)
        shutil.rmtree(WORK, ignore_errors=True)
        bad = {name: code for name, code in codes.items() if code != 0}
        assert not bad, "services did not stop cleanly on SIGTERM: %s" % bad

    @classmethod
    def url(cls, name):
        return "http://127.0.0.1:%d" % cls.ports[name]

    def listed(self, name, flag):
        code, out, err = buf_curl(flag, self.url(name))
        self.assertEqual(code, 0, "buf curl %s on statuscast-%s failed:\n%s" % (flag, name, err))
        return sorted(line for line in out.splitlines() if line)

    def methods_by_service(self, name):
        methods = {}
        for line in self.listed(name, "--list-methods"):
            service, method = line.rsplit("/", 1)
            methods.setdefault(service, set()).add(method)
        return methods

    def test_every_listed_service_is_described(self):
        for name in ("comms", "banner"):
            with self.subTest(server=name):
                services = set(self.listed(name, "--list-services"))
                self.assertLessEqual(EXPECTED_SERVICES[name], services)
                # --list-methods resolves every listed service's descriptor
                # over reflection; one missing fails the whole listing.
                methods = self.methods_by_service(name)
                self.assertEqual(set(methods), services)
                self.assertEqual(methods[HEALTH], {"Check", "Watch"})
                self.assertEqual(methods[REFLECTION], {"ServerReflectionInfo"})

    def test_reflected_methods_are_the_ones_proto_defines(self):
        # The schema from source, read by buf itself, not by our build.
        code, out, err = buf_curl("--schema", os.path.join(SOURCE_DIR, "proto"),
                                  "--list-methods")
        self.assertEqual(code, 0, err)
        from_source = {}
        for line in out.splitlines():
            service, method = line.rsplit("/", 1)
            from_source.setdefault(service, set()).add(method)
        for name in ("comms", "banner"):
            for service, methods in self.methods_by_service(name).items():
                if service == REFLECTION:
                    continue  # gRPC's own; not in proto/
                with self.subTest(server=name, service=service):
                    self.assertIn(service, from_source, "served but not defined in proto/")
                    self.assertEqual(methods, from_source[service])

    def test_health_check_answers_serving_without_a_token(self):
        for name in ("comms", "banner"):
            with self.subTest(server=name):
                code, out, err = buf_curl(self.url(name) + "/grpc.health.v1.Health/Check")
                self.assertEqual(code, 0, err)
                self.assertEqual(json.loads(out), {"status": "SERVING"})
                code, out, err = buf_curl("-d", '{"service": "statuscast.v1.NoSuchService"}',
                                          self.url(name) + "/grpc.health.v1.Health/Check")
                self.assertNotEqual(code, 0)
                self.assertEqual(error_code(err), "not_found", err)
                self.assertIn('unknown service \\"statuscast.v1.NoSuchService\\"', err)

    def test_health_watch_streams_the_status(self):
        for name in ("comms", "banner"):
            with self.subTest(server=name):
                # The stream stays open until the server changes or stops;
                # the first message comes at once.
                code, out, err = buf_curl("--timeout", "2s",
                                          self.url(name) + "/grpc.health.v1.Health/Watch")
                self.assertEqual(json.loads(out), {"status": "SERVING"}, err)

    def test_every_method_is_callable_from_the_reflected_schema(self):
        # Public methods and what they answer with an empty or minimal
        # request; everything else must stop at the token check.
        public = {
            HEALTH + "/Check": ("{}", None),
            HEALTH + "/Watch": None,  # streams; test_health_watch_streams_the_status
            REFLECTION + "/ServerReflectionInfo": ('{"listServices": ""}', None),
            "statuscast.v1.BannerService/GetBanners": ('{"app": "shop", "path": "/"}', None),
            "statuscast.v1.BannerService/Subscribe": ("{}", "invalid_argument"),
        }
        for name in ("comms", "banner"):
            for service, methods in self.methods_by_service(name).items():
                for method in sorted(methods):
                    full = service + "/" + method
                    if full in public and public[full] is None:
                        continue
                    request, expected = public.get(full, ("{}", "unauthenticated"))
                    with self.subTest(server=name, method=full):
                        code, out, err = buf_curl("-d", request, self.url(name) + "/" + full)
                        if expected is None:
                            self.assertEqual(code, 0, err)
                            json.loads(out)  # one JSON response
                        else:
                            self.assertEqual(error_code(err), expected, err)

    def test_reflection_lists_services_when_called_as_a_method(self):
        code, out, err = buf_curl("-d", '{"listServices": ""}',
                                  self.url("comms") + "/" + REFLECTION + "/ServerReflectionInfo")
        self.assertEqual(code, 0, err)
        names = {s["name"] for s in json.loads(out)["listServicesResponse"]["service"]}
        self.assertLessEqual(EXPECTED_SERVICES["comms"], names)


if __name__ == "__main__":
    unittest.main(verbosity=2)
