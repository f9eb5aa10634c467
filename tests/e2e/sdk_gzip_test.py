#!/usr/bin/python3
"""/sdk/banner.js from a real statuscast-banner, fetched with curl: gzip for a
client that accepts it (Content-Encoding: gzip, Vary: Accept-Encoding, the
bytes of sdk/banner.js once decoded), the identity for one that does not.

Usage: sdk_gzip_test.py BUILD_DIR SOURCE_DIR  (needs STATUSCAST_TEST_DATABASE_URL)
"""
import gzip
import os
import subprocess
import sys
import tempfile
import time
import unittest

BUILD_DIR, SOURCE_DIR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402
from fault_support import free_port  # noqa: E402,F401


def curl(url, *args):
    """(status, headers with lower-case names, body bytes as received)."""
    with tempfile.TemporaryDirectory() as d:
        head, body = os.path.join(d, "head"), os.path.join(d, "body")
        subprocess.run(["curl", "-sS", "--max-time", "10", "-D", head, "-o", body, *args, url],
                       check=True)
        with open(head, "rb") as f:
            lines = f.read().decode("latin-1").split("\r\n")
        data = b""
        if os.path.exists(body):  # curl writes no file for an empty body (304)
            with open(body, "rb") as f:
                data = f.read()
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers, data


class SdkGzipTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = fs.TestDatabase("statuscast_gzip_")
        url = cls.db.url
        http = free_port()
        cls.base = "http://127.0.0.1:%d" % http
        cls.log = tempfile.TemporaryFile()
        cls.proc = subprocess.Popen(
            [os.path.join(BUILD_DIR, "services/banner/statuscast-banner"),
             "--database_url=" + url, "--grpc_address=127.0.0.1:%d" % free_port(),
             "--http_address=127.0.0.1:%d" % http,
             "--metrics_address=127.0.0.1:%d" % free_port()],
            stdout=cls.log, stderr=cls.log)
        for _ in range(300):
            try:
                if curl(cls.base + "/readyz")[0] == 200:
                    break
            except subprocess.CalledProcessError:
                pass
            time.sleep(0.1)
        with open(os.path.join(SOURCE_DIR, "sdk/banner.js"), "rb") as f:
            cls.sdk = f.read()

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=30)
        cls.db.drop()

    def test_gzip_when_accepted(self):
        # curl --compressed sends Accept-Encoding and decodes the body.
        status, headers, body = curl(self.base + "/sdk/banner.js", "--compressed")
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("content-encoding"), "gzip")
        self.assertIn("Accept-Encoding", headers.get("vary", ""))
        self.assertTrue(headers["content-type"].startswith("text/javascript"))
        self.assertEqual(body, self.sdk)

        # The bytes on the wire: a gzip stream, smaller than the script.
        status, headers, raw = curl(self.base + "/sdk/banner.js", "-H", "Accept-Encoding: gzip")
        self.assertEqual(raw[:2], b"\x1f\x8b")
        self.assertEqual(int(headers["content-length"]), len(raw))
        self.assertLess(len(raw), len(self.sdk) // 2)
        self.assertEqual(gzip.decompress(raw), self.sdk)

        # Revalidation with the gzip representation's ETag.
        status, _, _ = curl(self.base + "/sdk/banner.js", "-H", "Accept-Encoding: gzip",
                            "-H", "If-None-Match: " + headers["etag"])
        self.assertEqual(status, 304)

    def test_identity_otherwise(self):
        for extra in ([], ["-H", "Accept-Encoding: identity"], ["-H", "Accept-Encoding: gzip;q=0"]):
            with self.subTest(extra=extra):
                status, headers, body = curl(self.base + "/sdk/banner.js", *extra)
                self.assertEqual(status, 200)
                self.assertNotIn("content-encoding", headers)
                self.assertIn("Accept-Encoding", headers.get("vary", ""))
                self.assertEqual(body, self.sdk)


if __name__ == "__main__":
    unittest.main(verbosity=2)
