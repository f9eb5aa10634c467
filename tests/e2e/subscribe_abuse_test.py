#!/usr/bin/python3
"""The public subscription endpoints under abuse (issue 11), against a real
statuscast-banner and PostgreSQL:
  - a flood of POST /subscribe from one client address: the form's own limit
    (--subscribe_per_hour_per_ip, --subscribe_burst_per_ip) answers 429 with
    Retry-After beyond its burst, and only the posts it accepted are stored;
    another address is not affected;
  - with the form's own limit off, the limit every public page has
    (--http_rate_per_ip, --http_burst_per_ip) does the same;
  - components: the form offers a checkbox per public component (not the
    retired one); the checked ones are stored as the subscription's scope,
    none checked is everything, and an unknown name is 400 with nothing
    stored;
  - forged, altered, expired, wrong-purpose and malformed confirm and
    unsubscribe tokens get a 4xx page that says why, and change nothing
    stored; the genuine token then works (so the checks can fail).

Clients are told apart by X-Forwarded-For from a trusted proxy
(--http_trusted_proxies=127.0.0.1): all traffic still goes to 127.0.0.1.
Tokens are made here from the format in libs/notify/link_token.h, with
Python's own hmac, not with our C++.

Usage: subscribe_abuse_test.py BUILD_DIR SOURCE_DIR  (needs STATUSCAST_TEST_DATABASE_URL)
"""
import base64
import hashlib
import hmac
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

BUILD_DIR, SOURCE_DIR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def token(key, purpose, subscriber_id, expires):
    """base64url(payload) "." base64url(HMAC-SHA256(key, payload))."""
    payload = ("%s\n%s\n%d" % (purpose, subscriber_id, expires)).encode()
    return b64url(payload) + "." + b64url(hmac.new(key, payload, hashlib.sha256).digest())



class Banner:
    """statuscast-banner on its own database, serving the subscription pages."""

    def __init__(self, tmp, key_file, *extra):
        self.db = fs.TestDatabase("statuscast_subabuse_")
        port = fs.free_port()
        self.page = "http://127.0.0.1:%d" % port
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")}
        self.args = [
            "--database_url=" + self.db.url, "--grpc_address=127.0.0.1:%d" % fs.free_port(),
            "--http_address=127.0.0.1:%d" % port,
            "--metrics_address=127.0.0.1:%d" % fs.free_port(),
            "--link_token_secret_file=" + key_file, "--http_trusted_proxies=127.0.0.1"] + list(extra)
        self.service = None
        self.start()

    def start(self):
        self.service = fs.Service(BUILD_DIR, "statuscast-banner", self.args, self.tmp,
                                  env=self.env)
        try:
            fs.wait_http(self.page + "/readyz")
        except BaseException:
            self.stop()
            raise

    def restart(self):
        """Stopped and started again on the same database (it reads components at start)."""
        self.service.stop()
        self.start()

    def stop(self):
        self.service.stop()
        self.db.drop()

    def sql(self, query):
        return subprocess.run(["psql", self.db.url, "-XAtqc", query], capture_output=True,
                              text=True, check=True).stdout.strip()

    def request(self, path, data=None, headers=None):
        """(status, headers, body); a POST when `data` is given."""
        req = urllib.request.Request(
            self.page + path, data=None if data is None else data.encode(),
            headers=dict({"Content-Type": "application/x-www-form-urlencoded"},
                         **(headers or {})))
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def form(self, client):
        """The form's cookie and csrf token, fetched as `client`."""
        status, headers, body = self.request("/subscribe", headers={"X-Forwarded-For": client})
        assert status == 200, (status, body)
        return (headers["Set-Cookie"].split(";")[0],
                re.search(r'name="csrf" value="([^"]+)"', body).group(1))

    def subscribe(self, client, cookie, csrf, address, components=()):
        return self.request("/subscribe", urllib.parse.urlencode(
            [("email", address), ("csrf", csrf)] + [("component", c) for c in components]),
            {"Cookie": cookie, "X-Forwarded-For": client})

    def stored(self):
        return set(filter(None, self.sql("SELECT destination FROM subscribers").split("\n")))


class SubscribeAbuseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="statuscast-subabuse-")
        cls.key = os.urandom(32).hex().encode()
        cls.key_file = os.path.join(cls.tmp, "link.key")
        with open(cls.key_file, "wb") as f:
            f.write(cls.key)

    def flood(self, banner, client, count):
        """`count` subscribe posts from `client`: [(address, status, headers, body)]."""
        cookie, csrf = banner.form(client)
        out = []
        for i in range(count):
            address = "flood-%s-%d@example.net" % (client.replace(".", "-"), i)
            status, headers, body = banner.subscribe(client, cookie, csrf, address)
            out.append((address, status, headers, body))
        return out

    def assert_limited(self, banner, results, allowed):
        statuses = [r[1] for r in results]
        self.assertEqual(statuses[:allowed], [200] * allowed, statuses)
        self.assertEqual(statuses[allowed:], [429] * (len(results) - allowed), statuses)
        for _, _, headers, _ in results[allowed:]:
            self.assertGreaterEqual(int(headers["Retry-After"]), 1)
        accepted = {r[0] for r in results if r[1] == 200}
        fs.wait_for("the accepted posts stored", lambda: accepted <= banner.stored())
        time.sleep(1)  # anything queued beyond the limit would show by now
        return accepted

    def test_flood_is_limited_by_the_forms_own_limit(self):
        banner = Banner(self.tmp, self.key_file, "--subscribe_per_hour_per_ip=10",
                        "--subscribe_burst_per_ip=5")
        try:
            results = self.flood(banner, "198.51.100.7", 40)
            accepted = self.assert_limited(banner, results, 5)
            # 10 an hour: the next post is about six minutes away.
            retry = int(results[-1][2]["Retry-After"])
            self.assertTrue(300 <= retry <= 360, retry)
            self.assertIn("Too many requests", results[-1][3])
            self.assertEqual(banner.stored(), accepted)
            # Another address has its own bucket.
            other = self.flood(banner, "198.51.100.8", 1)
            self.assertEqual(other[0][1], 200)
            fs.wait_for("the other address's post stored", lambda: other[0][0] in banner.stored())
            self.assertEqual(len(banner.stored()), 6)
            # The form itself (GET) is not counted by the form's limit.
            self.assertEqual(banner.request("/subscribe",
                                            headers={"X-Forwarded-For": "198.51.100.7"})[0], 200)
        finally:
            banner.stop()

    def test_flood_is_limited_by_every_pages_limit(self):
        banner = Banner(self.tmp, self.key_file, "--subscribe_per_hour_per_ip=0",
                        "--http_rate_per_ip=0.01", "--http_burst_per_ip=20")
        try:
            # The form's GET takes one of the 20; 19 posts pass, then 429.
            results = self.flood(banner, "198.51.100.9", 40)
            accepted = self.assert_limited(banner, results, 19)
            self.assertEqual(banner.stored(), accepted)
        finally:
            banner.stop()

    def test_components_are_chosen_on_the_form(self):
        banner = Banner(self.tmp, self.key_file)
        try:
            banner.sql("INSERT INTO components (name, display_name, created_at, retired_at) "
                       "VALUES ('checkout', 'Checkout & payments', now(), NULL), "
                       "('search', '', now(), NULL), ('legacy-api', '', now(), now())")
            banner.restart()
            fs.wait_for("the form offers the components", lambda: 'value="checkout"' in
                        banner.request("/subscribe")[2])
            body = banner.request("/subscribe")[2]
            self.assertIn('name="component" value="checkout"', body)
            self.assertIn("Checkout &amp; payments</label>", body)
            self.assertIn('name="component" value="search"', body)
            self.assertNotIn("legacy-api", body, "a retired component is offered")

            cookie, csrf = banner.form("192.0.2.7")
            status, _, body = banner.subscribe("192.0.2.7", cookie, csrf, "odd@example.net",
                                               ["checkout", "legacy-api"])
            self.assertEqual(status, 400, body)
            self.assertIn("There is no component &quot;legacy-api&quot; on this page", body)
            self.assertEqual(banner.subscribe("192.0.2.7", cookie, csrf, "some@example.net",
                                              ["checkout", "search"])[0], 200)
            self.assertEqual(banner.subscribe("192.0.2.7", cookie, csrf, "all@example.net")[0],
                             200)
            scopes = "SELECT destination, all_components, array_to_string(components, ',') " \
                     "FROM subscribers ORDER BY destination"
            fs.wait_for("both stored", lambda: len(banner.stored()) == 2)
            time.sleep(1)  # the refused post would be stored by now
            self.assertEqual(banner.sql(scopes),
                             "all@example.net|t|\nsome@example.net|f|checkout,search")
        finally:
            banner.stop()

    def test_bad_tokens_change_nothing(self):
        banner = Banner(self.tmp, self.key_file)
        try:
            cookie, csrf = banner.form("192.0.2.1")
            self.assertEqual(banner.subscribe("192.0.2.1", cookie, csrf, "tok@example.net")[0],
                             200)
            fs.wait_for("the subscriber stored", lambda: banner.stored() == {"tok@example.net"})
            sub = banner.sql("SELECT id FROM subscribers")
            snapshot = "SELECT id, confirmed, confirmed_at, unsubscribed_at FROM subscribers"
            before = banner.sql(snapshot)
            later, past = int(time.time()) + 86400, int(time.time()) - 60
            other_key = os.urandom(32).hex().encode()
            genuine = {p: token(self.key, p, sub, later) for p in ("confirm", "unsubscribe")}
            paths = {"confirm": "/subscriptions/confirm", "unsubscribe":
                     "/subscriptions/unsubscribe"}
            for purpose in ("confirm", "unsubscribe"):
                other = "unsubscribe" if purpose == "confirm" else "confirm"
                g = genuine[purpose]
                cases = [
                    ("another key", token(other_key, purpose, sub, later), 403, "signature"),
                    ("altered id", b64url(("%s\nsub_other\n%d" % (purpose, later)).encode())
                     + "." + g.split(".")[1], 403, "signature"),
                    ("expired", token(self.key, purpose, sub, past), 410, "expired"),
                    ("for " + other, genuine[other], 403, "is for " + other),
                    ("malformed", "not-a-token", 400, "malformed"),
                    ("empty", "", 400, "malformed"),
                ]
                for name, tok, code, says in cases:
                    for method_data in (None, "", "List-Unsubscribe=One-Click"):
                        with self.subTest(purpose=purpose, token=name, post=method_data):
                            status, headers, body = banner.request(
                                paths[purpose] + "?token=" + urllib.parse.quote(tok),
                                method_data)
                            self.assertEqual(status, code, body)
                            self.assertTrue(headers["Content-Type"].startswith("text/html"))
                            self.assertIn("This link is not valid", body)
                            self.assertIn(says, body)
            time.sleep(1)  # a request wrongly queued would be applied by now
            self.assertEqual(banner.sql(snapshot), before, "a bad token changed the store")

            # The genuine tokens work: confirm, then unsubscribe.
            self.assertEqual(banner.request(paths["confirm"] + "?token=" + genuine["confirm"],
                                            "")[0], 200)
            fs.wait_for("confirmed", lambda: banner.sql(
                "SELECT confirmed FROM subscribers") == "t")
            self.assertEqual(banner.request(paths["unsubscribe"] + "?token=" +
                                            genuine["unsubscribe"], "")[0], 200)
            fs.wait_for("unsubscribed", lambda: banner.sql(
                "SELECT unsubscribed_at IS NOT NULL FROM subscribers") == "t")
        finally:
            banner.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
