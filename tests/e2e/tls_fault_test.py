#!/usr/bin/python3
"""TLS and mutual TLS end to end, with certificates this test makes with the
openssl tool (and faketime, for one that has expired).

statuscast-comms and statuscast-banner run with mutual TLS on gRPC and HTTPS
on the banner's HTTP port. Three independent clients drive them:
statuscastctl (child process), Python grpcio (stubs generated from our
protos) and curl. Refused, each with the error its client shows printed: no
client certificate, a certificate from another CA, an expired certificate,
plaintext to the TLS port (gRPC and HTTP), a server the client's CA did not
sign. Then the server certificate files are replaced, and a new connection
gets the new certificate without a restart (--tls_reload_interval): on
gRPC (both services) and on the banner's HTTPS port, where a half-done
rotation (new certificate, old key) is first refused with a log line while
the old certificate serves on, and an open keep-alive connection keeps the
certificate it was made with.

Usage: tls_fault_test.py BUILD_DIR SOURCE_DIR
"""
import http.client
import os
import ssl
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402

BUILD_DIR, SOURCE_DIR, GEN = fs.start_test("statuscast-tls-")
import grpc  # noqa: E402
from statuscast.v1 import banner_pb2, banner_pb2_grpc  # noqa: E402
from statuscast.v1 import incident_pb2 as pb  # noqa: E402
from statuscast.v1 import incident_pb2_grpc as pb_grpc  # noqa: E402

CERTS = os.path.join(GEN, "certs")
CTL = os.path.join(BUILD_DIR, "services/ctl/statuscastctl")


def openssl(*args, fake_time=None):
    cmd = ["openssl"] + list(args)
    if fake_time:
        cmd = ["faketime", "-f", fake_time] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=CERTS)
    assert r.returncode == 0, "%s: %s" % (cmd, r.stderr)


def make_ca(name):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", name + ".key", "-out", name + ".crt", "-days", "30", "-subj",
            "/CN=" + name)


def make_leaf(name, ca, usage, days="30", fake_time=None):
    with open(os.path.join(CERTS, name + ".ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=%s\n" % usage)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name)
    openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
            "-CAcreateserial", "-days", days, "-out", name + ".crt", "-extfile", name + ".ext",
            fake_time=fake_time)


def path(name):
    return os.path.join(CERTS, name)


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def install(src, dst):
    """Replaces dst atomically, as a certificate manager does."""
    tmp = path(dst + ".tmp")
    with open(tmp, "wb") as f:
        f.write(read(src))
    os.rename(tmp, path(dst))


def served_certificate_subject(port, client):
    """The subject of the certificate a new TLS connection to port gets."""
    r = subprocess.run(
        ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile", path("ca.crt"),
         "-cert", path(client + ".crt"), "-key", path(client + ".key"), "-alpn", "h2"],
        input=b"", capture_output=True, timeout=20)
    x = subprocess.run(["openssl", "x509", "-noout", "-subject"], input=r.stdout,
                       capture_output=True)
    return x.stdout.decode().strip()


class TlsEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(CERTS)
        make_ca("ca")
        make_ca("other_ca")
        make_leaf("server", "ca", "serverAuth")
        make_leaf("server_rotated", "ca", "serverAuth")
        make_leaf("client", "ca", "clientAuth")
        make_leaf("other_client", "other_ca", "clientAuth")
        # Valid from 400 days ago for 30 days: expired a year ago.
        make_leaf("expired_client", "ca", "clientAuth", fake_time="-400d")
        install("server.crt", "live.crt")
        install("server.key", "live.key")
        install("server.crt", "http_live.crt")
        install("server.key", "http_live.key")
        cls.pg = fs.OwnCluster()
        env = {"STATUSCAST_DATABASE_URL": cls.pg.url, "STATUSCAST_AUTH": "disabled"}
        tls = ["--tls_cert=" + path("live.crt"), "--tls_key=" + path("live.key"),
               "--tls_client_ca=" + path("ca.crt"), "--tls_reload_interval=1s"]
        cls.comms_port, cls.banner_port, cls.https_port = (fs.free_port(), fs.free_port(),
                                                           fs.free_port())
        cls.comms = fs.Service(BUILD_DIR, "statuscast-comms", [
            "--grpc_address=127.0.0.1:%d" % cls.comms_port, "--metrics_address="] + tls, GEN,
            env)
        cls.banner = fs.Service(BUILD_DIR, "statuscast-banner", [
            "--grpc_address=127.0.0.1:%d" % cls.banner_port,
            "--http_address=127.0.0.1:%d" % cls.https_port,
            "--metrics_address=127.0.0.1:%d" % fs.free_port(),
            "--http_tls_cert=" + path("http_live.crt"),
            "--http_tls_key=" + path("http_live.key")] +
            tls, GEN, env)
        cls.ssl = ssl.create_default_context(cafile=path("ca.crt"))
        fs.wait_http("https://127.0.0.1:%d/readyz" % cls.https_port, context=cls.ssl)
        cls.refusals = []

    @classmethod
    def tearDownClass(cls):
        cls.banner.stop()
        cls.comms.stop()
        cls.pg.close()
        print("\nWhat each refused client shows:")
        for who, what in cls.refusals:
            print("  %s:\n    %s" % (who, what.strip().replace("\n", "\n    ")))

    def creds(self, client="client", ca="ca"):
        key = read(client + ".key") if client else None
        chain = read(client + ".crt") if client else None
        return grpc.ssl_channel_credentials(read(ca + ".crt"), key, chain)

    def ctl(self, *args, tls=("ca", "client")):
        ca, client = tls
        flags = []
        if ca:
            flags.append("--tls_ca=" + path(ca + ".crt"))
        if client:
            flags += ["--tls_cert=" + path(client + ".crt"), "--tls_key=" + path(client + ".key")]
        env = dict(os.environ, STATUSCAST_SERVER="127.0.0.1:%d" % self.comms_port,
                   STATUSCAST_BANNER_SERVER="127.0.0.1:%d" % self.banner_port)
        for k in ("STATUSCAST_TOKEN", "STATUSCAST_TLS_CA", "STATUSCAST_TLS_CLIENT_CERT",
                  "STATUSCAST_TLS_CLIENT_KEY"):
            env.pop(k, None)
        return subprocess.run([CTL] + list(args) + flags + ["--timeout=5s"], env=env,
                              capture_output=True, text=True, timeout=30)

    def test_a_statuscastctl_python_and_curl_work_over_mutual_tls(self):
        r = self.ctl("components", "create", "search")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("components", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("search", r.stdout)
        r = self.ctl("banner", "create", "--text", "Maintenance tonight", "--level",
                     "maintenance", "--apps", "web")
        self.assertEqual(r.returncode, 0, r.stderr)

        with grpc.secure_channel("127.0.0.1:%d" % self.comms_port, self.creds()) as ch:
            comps = pb_grpc.IncidentServiceStub(ch).ListComponents(
                pb.ListComponentsRequest(), timeout=10)
            self.assertIn("search", [c.name for c in comps.components])
        with grpc.secure_channel("127.0.0.1:%d" % self.banner_port, self.creds()) as ch:
            deadline = time.time() + 10
            while True:
                s = banner_pb2_grpc.BannerServiceStub(ch).GetBanners(
                    banner_pb2.GetBannersRequest(app="web", path="/"), timeout=10)
                if s.banners or time.time() > deadline:
                    break
                time.sleep(0.2)
            self.assertEqual([b.text for b in s.banners], ["Maintenance tonight"])

        r = subprocess.run(["curl", "-sS", "--fail", "--cacert", path("ca.crt"),
                            "https://127.0.0.1:%d/v1/status.json" % self.https_port],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("{", r.stdout)

    def refused_by_ctl(self, who, tls):
        r = self.ctl("components", "list", tls=tls)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.refusals.append(("statuscastctl, " + who, r.stderr))
        return r.stderr

    def refused_by_python(self, who, creds):
        if creds is None:
            ch = grpc.insecure_channel("127.0.0.1:%d" % self.comms_port)
        else:
            ch = grpc.secure_channel("127.0.0.1:%d" % self.comms_port, creds)
        with ch:
            with self.assertRaises(grpc.RpcError) as err:
                pb_grpc.IncidentServiceStub(ch).ListComponents(pb.ListComponentsRequest(),
                                                               timeout=5)
        self.assertEqual(err.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.refusals.append(("Python grpcio, " + who, err.exception.details() or ""))

    def test_b_clients_without_a_good_certificate_are_refused(self):
        cases = [("no client certificate", ("ca", None), self.creds(client=None)),
                 ("certificate from another CA", ("ca", "other_client"),
                  self.creds(client="other_client")),
                 ("expired certificate", ("ca", "expired_client"),
                  self.creds(client="expired_client")),
                 ("server signed by a CA it does not trust", ("other_ca", "client"),
                  self.creds(ca="other_ca")),
                 ("plaintext to the TLS port", (None, None), None)]
        for who, ctl_tls, creds in cases:
            with self.subTest(who):
                stderr = self.refused_by_ctl(who, ctl_tls)
                self.assertIn("cannot reach statuscast-comms at 127.0.0.1:%d" % self.comms_port,
                              stderr)
                self.assertRegex(stderr, "set --tls_ca|--tls_ca .* is the CA that signed it")
                self.refused_by_python(who, creds)
        # The server says why in its log, for the operator.
        time.sleep(0.5)
        log = self.comms.log_text()
        self.assertIn("Handshake failed", log)
        for line in sorted({l.split("]", 1)[-1].strip() for l in log.splitlines()
                            if "Handshake failed" in l}):
            self.refusals.append(("statuscast-comms log", line))

        for who, args in [("no CA (system roots)", []),
                          ("plaintext HTTP to the HTTPS port", None)]:
            url = "https://127.0.0.1:%d/v1/status.json" % self.https_port
            cmd = ["curl", "-sS", "--fail"] + (args if args is not None else [])
            if args is None:
                cmd = ["curl", "-sS", "--fail", url.replace("https", "http")]
            else:
                cmd.append(url)
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            self.assertNotEqual(r.returncode, 0)
            self.refusals.append(("curl, " + who, "exit %d: %s" % (r.returncode, r.stderr)))

    def test_c_rotated_certificate_files_apply_without_a_restart(self):
        before = served_certificate_subject(self.comms_port, "client")
        self.assertIn("CN = server", before)
        pid = self.comms.proc.pid
        install("server_rotated.key", "live.key")
        install("server_rotated.crt", "live.crt")
        deadline, after = time.time() + 15, before
        while time.time() < deadline:
            after = served_certificate_subject(self.comms_port, "client")
            if "server_rotated" in after:
                break
            time.sleep(0.2)
        rotated_in = 15 - (deadline - time.time())
        self.assertIn("CN = server_rotated", after)
        self.assertEqual(self.comms.proc.pid, pid)
        self.assertIsNone(self.comms.proc.poll(), "statuscast-comms restarted or died")
        # Clients that trust the CA carry on: statuscastctl on a new connection.
        r = self.ctl("components", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        banner_after = served_certificate_subject(self.banner_port, "client")
        print("\nCertificate reload (--tls_reload_interval=1s): comms served %r, then %r "
              "%.1f s after the files were replaced, same process; banner gRPC now %r" % (
                  before, after, rotated_in, banner_after))
        self.assertIn("CN = server_rotated", banner_after)

    def https_subject(self):
        return served_certificate_subject(self.https_port, "client")

    def test_d_rotated_https_certificate_applies_without_a_restart(self):
        self.assertIn("CN = server", self.https_subject())
        pid = self.banner.proc.pid
        # A keep-alive connection made before the rotation.
        kept = http.client.HTTPSConnection("127.0.0.1", self.https_port, context=self.ssl,
                                           timeout=10)
        kept.request("GET", "/v1/status.json")
        self.assertEqual(kept.getresponse().read()[:1], b"{")
        kept_subject = dict(x[0] for x in kept.sock.getpeercert()["subject"])["commonName"]

        # Half a rotation: the new certificate beside the old key. Refused,
        # once, in the log; the old certificate keeps serving.
        install("server_rotated.crt", "http_live.crt")
        deadline = time.time() + 15
        while "http_tls_reload_refused" not in self.banner.log_text():
            self.assertLess(time.time(), deadline, self.banner.log_text()[-2000:])
            time.sleep(0.2)
        time.sleep(2.5)  # two more polls of the same bad pair
        refused = [l for l in self.banner.log_text().splitlines()
                   if "http_tls_reload_refused" in l]
        self.assertEqual(len(refused), 1, refused)
        self.assertIn("does not match the certificate in " + path("http_live.crt"), refused[0])
        self.assertIn("CN = server\n", self.https_subject() + "\n")

        # The key follows: new connections get the new certificate.
        install("server_rotated.key", "http_live.key")
        start = time.time()
        deadline, after = start + 15, ""
        while time.time() < deadline:
            after = self.https_subject()
            if "server_rotated" in after:
                break
            time.sleep(0.2)
        rotated_in = time.time() - start
        self.assertIn("CN = server_rotated", after)
        self.assertEqual(self.banner.proc.pid, pid)
        self.assertIsNone(self.banner.proc.poll(), "statuscast-banner restarted or died")
        self.assertIn("http_tls_reloaded", self.banner.log_text())
        r = subprocess.run(["curl", "-sS", "--fail", "-o", "/dev/null", "-w", "%{http_code}",
                            "--cacert", path("ca.crt"),
                            "https://127.0.0.1:%d/v1/status.json" % self.https_port],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual((r.returncode, r.stdout), (0, "200"), r.stderr)
        # The connection made before keeps its certificate and still works.
        kept.request("GET", "/v1/status.json")
        self.assertEqual(kept.getresponse().read()[:1], b"{")
        self.assertEqual(
            dict(x[0] for x in kept.sock.getpeercert()["subject"])["commonName"], kept_subject)
        kept.close()
        print("\nHTTPS reload (--tls_reload_interval=1s): half a rotation refused once (%s); "
              "new connections got %r %.1f s after the key followed, same process; the "
              "keep-alive connection from before still shows CN=%s" % (
                  refused[0].split("error=", 1)[-1][:80], after, rotated_in, kept_subject))


if __name__ == "__main__":
    unittest.main(verbosity=2)
