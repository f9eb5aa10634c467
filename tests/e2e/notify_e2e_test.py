#!/usr/bin/python3
"""Notifications end to end (issue 11), with the real binaries and real
receivers on 127.0.0.1.

statuscast-comms runs with --notify. Subscribers are imported with
`statuscastctl subscribers add`; an incident is declared with a status-page
update through statuscastctl. Then:
  - a webhook receiver verifies each Standard Webhooks signature with its own
    hmac code (written from the specification, not from our C++);
  - a receiver that answers 500 five times, then 200, is counted delivered
    once, with the same webhook-id on all six tries;
  - a receiver that hangs does not delay the others;
  - a real SMTP server (Debian python3-aiosmtpd) receives the mail; Python's
    email package checks its headers (Subject, Message-ID, List-Unsubscribe,
    List-Unsubscribe-Post) and both parts;
  - the notifier SIGKILLed mid-batch, then restarted, loses nothing: every
    one of 120 subscribers' notifications is delivered;
  - a watcher subscribes through statuscast-banner's /subscribe form (CSRF:
    no cookie, a forged token or another Origin get 403), follows the
    confirm link from the confirmation mail, gets the next update by mail,
    and one-click unsubscribes (RFC 8058 POST) from its List-Unsubscribe
    header; the update after that does not reach it.

Usage: notify_e2e_test.py BUILD_DIR SOURCE_DIR  (needs STATUSCAST_TEST_DATABASE_URL)
"""
import base64
import email
import email.policy
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

BUILD_DIR, SOURCE_DIR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
CTL = os.path.join(BUILD_DIR, "services/ctl/statuscastctl")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

lock = threading.Lock()
received = []  # dicts: path, id, verified, body
secrets = {}   # path -> whsec_ secret


def verify(secret, headers, body):
    """Standard Webhooks, symmetric, with the receiver's own hmac code."""
    return fs.webhook_signature_ok(base64.b64decode(secret[len("whsec_"):]), headers, body)


def hits(path):
    with lock:
        return [r for r in received if r["path"] == path]


class Receiver(fs.QuietHandler):
    def do_POST(self):
        body = self.read_body()
        with lock:
            secret = secrets.get(self.path, "")
            received.append({"path": self.path, "id": self.headers.get("webhook-id"),
                             "verified": bool(secret) and verify(secret, self.headers, body),
                             "body": body, "at": time.time()})
        if self.path == "/hang":
            time.sleep(30)
            return
        status = 200
        if self.path == "/flaky" and len(hits("/flaky")) <= 5:
            status = 500
        if self.path.startswith("/slow/"):
            time.sleep(0.05)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def wait_for(what, predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class NotifyEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.comms = cls.banner = cls.smtp = cls.http = cls.db = None
        try:
            cls.start_everything()
        except BaseException:
            cls.tearDownClass()  # leave no process behind when start-up fails
            raise

    @classmethod
    def start_everything(cls):
        cls.tmp = tempfile.mkdtemp(prefix="statuscast-notify-")
        cls.db = fs.TestDatabase("statuscast_notify_")
        cls.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        cls.http.daemon_threads = True
        threading.Thread(target=cls.http.serve_forever, daemon=True).start()
        cls.base = "http://127.0.0.1:%d" % cls.http.server_address[1]
        cls.inbox = Inbox()
        cls.smtp_port = fs.free_port()
        cls.smtp = Controller(cls.inbox, hostname="127.0.0.1", port=cls.smtp_port)
        cls.smtp.start()
        cls.key_file = os.path.join(cls.tmp, "link.key")
        with open(cls.key_file, "w") as f:
            f.write(os.urandom(32).hex())
        cls.grpc_port = fs.free_port()
        cls.http_port = fs.free_port()
        cls.page = "http://127.0.0.1:%d" % cls.http_port
        cls.comms = None
        cls.start_comms()
        env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")}
        cls.banner = fs.Service(BUILD_DIR, "statuscast-banner", [
            "--database_url=" + cls.db.url, "--grpc_address=127.0.0.1:%d" % fs.free_port(),
            "--http_address=127.0.0.1:%d" % cls.http_port,
            "--metrics_address=127.0.0.1:%d" % fs.free_port(),
            "--link_token_secret_file=" + cls.key_file], cls.tmp, env=env)
        fs.wait_http(cls.page + "/readyz")
        subprocess.run([CTL, "--server=127.0.0.1:%d" % cls.grpc_port, "component", "create",
                        "checkout"], check=True, capture_output=True,
                       env={k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")})

    @classmethod
    def start_comms(cls):
        env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")}
        cls.metrics_port = fs.free_port()
        args = ["--database_url=" + cls.db.url, "--grpc_address=127.0.0.1:%d" % cls.grpc_port,
                "--metrics_address=127.0.0.1:%d" % cls.metrics_port, "--auth=disabled", "--lint_reject=none", "--notify",
                "--notify_poll_interval=100ms", "--notify_retry_base=100ms",
                "--notify_lease=35s",
                "--status_page_url=" + cls.page,
                "--link_token_secret_file=" + cls.key_file, "--smtp_host=127.0.0.1",
                "--smtp_port=%d" % cls.smtp_port, "--smtp_starttls=off",
                "--mail_from=status@example.com", "--allow_private_destinations",
                "--allow_http_webhooks"]
        if cls.comms is not None:
            cls.comms.log.close()
        cls.comms = fs.Service(BUILD_DIR, "statuscast-comms", args, cls.tmp, env=env)
        cls.comms.proc.env = env
        deadline = time.time() + 30
        while time.time() < deadline:
            r = subprocess.run([CTL, "--server=127.0.0.1:%d" % cls.grpc_port, "subscribers",
                                "list"], capture_output=True, text=True, env=env)
            if r.returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError("statuscast-comms did not start:\n" + cls.comms.log_text())

    @classmethod
    def tearDownClass(cls):
        for stop in (cls.comms and cls.comms.stop, cls.banner and cls.banner.stop,
                     cls.smtp and cls.smtp.stop, cls.http and cls.http.shutdown,
                     cls.db and cls.db.drop):
            if stop:
                stop()

    def ctl(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")}
        r = subprocess.run([CTL, "--server=127.0.0.1:%d" % self.grpc_port] + list(args),
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def add_webhook(self, path):
        out = json.loads(self.ctl("--json", "subscribers", "add", "webhook", self.base + path))
        with lock:
            secrets[path] = out["webhookSecret"]
        return out["subscriber"]["id"]

    def declare(self, title):
        return self.ctl("declare", "--title", title, "--severity", "SEV-1", "--components",
                        "checkout:major_outage", "--channels", "status_page", "--next", "30m",
                        "--message", "We're investigating failed card payments at checkout for "
                        "some customers. Our engineers are working on a fix.")

    def test_1_webhooks_mail_retries_and_a_hang(self):
        self.add_webhook("/hang")  # first: its delivery starts first and hangs
        ok_id = self.add_webhook("/ok")
        self.add_webhook("/flaky")
        self.ctl("subscribers", "add", "email", "watcher@example.org")
        t0 = time.time()
        self.declare("Checkout errors")

        wait_for("the /ok delivery", lambda: hits("/ok"), timeout=10)
        ok = hits("/ok")
        self.assertLess(ok[0]["at"] - t0, 5, "a hanging receiver delayed another")
        self.assertTrue(ok[0]["verified"], "the receiver's own hmac refused the signature")
        payload = json.loads(ok[0]["body"])
        self.assertEqual(payload["id"], ok[0]["id"])
        self.assertEqual(payload["type"], "incident.updated")
        self.assertEqual(payload["incident"]["name"], "Checkout errors")
        self.assertEqual(payload["incident"]["impact"], "SEV-1")
        self.assertEqual(payload["incident"]["components"],
                         [{"name": "checkout", "status": "major_outage"}])
        self.assertTrue(payload["meta"]["unsubscribe"].startswith(
            self.page + "/subscriptions/unsubscribe?token="))

        wait_for("six tries of /flaky", lambda: len(hits("/flaky")) >= 6, timeout=60)
        time.sleep(1)
        flaky = hits("/flaky")
        self.assertEqual(len(flaky), 6, "answered 500 five times then 200: six tries, no more")
        self.assertEqual(len({h["id"] for h in flaky}), 1, "webhook-id changed between tries")
        self.assertTrue(all(h["verified"] for h in flaky))
        history = self.ctl("subscribers", "deliveries", ok_id)
        self.assertIn("delivered", history)

        wait_for("the mail", lambda: self.inbox.messages, timeout=15)
        self.assertEqual(len(self.inbox.messages), 1)
        msg = email.message_from_bytes(self.inbox.messages[0], policy=email.policy.default)
        self.assertEqual(str(msg["Subject"]), "[SEV-1] Investigating: Checkout errors")
        self.assertEqual(str(msg["To"]), "watcher@example.org")
        self.assertIn("@", str(msg["Message-ID"]))
        self.assertTrue(str(msg["List-Unsubscribe"]).startswith(
            "<" + self.page + "/subscriptions/unsubscribe?token="))
        self.assertEqual(str(msg["List-Unsubscribe-Post"]), "List-Unsubscribe=One-Click")
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        self.assertIn("failed card payments", text)
        self.assertIn("failed card payments", html)
        self.assertIn("/subscriptions/unsubscribe?token=", html)

        # Exactly one delivery recorded for /flaky, after six attempts.
        r = subprocess.run(["psql", self.db.url, "-XAtqc",
                            "SELECT state || ' ' || attempts FROM notification_deliveries d "
                            "JOIN subscribers s ON s.id = d.subscriber_id "
                            "WHERE s.destination LIKE '%/flaky'"],
                           capture_output=True, text=True, check=True)
        self.assertEqual(r.stdout.strip(), "delivered 6")

        # The metrics count each attempt by outcome and time commit to delivery.
        status, metrics = fs.http_get("http://127.0.0.1:%d/metrics" % self.metrics_port)
        self.assertEqual(status, 200)
        retries = re.search(r'statuscast_notify_deliveries_total\{kind="webhook",outcome="retry"\}'
                            r' (\d+)', metrics)
        self.assertIsNotNone(retries, metrics)
        self.assertGreaterEqual(int(retries.group(1)), 5)
        self.assertRegex(metrics, r'statuscast_notify_commit_to_delivery_seconds_count'
                                  r'\{kind="email"\} 1\b')
        self.assertIn("statuscast_notify_queue_depth", metrics)

    def test_2_sigkill_mid_batch_loses_nothing(self):
        subscribers = [self.add_webhook("/slow/%d" % i) for i in range(120)]
        self.assertEqual(len(subscribers), 120)
        self.declare("Checkout errors again")
        slow = lambda: [r for r in received if r["path"].startswith("/slow/")]  # noqa: E731
        wait_for("some deliveries", lambda: len(slow()) >= 10, timeout=20)
        os.kill(self.comms.proc.pid, signal.SIGKILL)
        self.comms.proc.wait()
        before = len({r["path"] for r in slow()})
        leased = subprocess.run(["psql", self.db.url, "-XAtqc",
                                 "SELECT count(*) FROM notification_deliveries WHERE state = "
                                 "'pending' AND claimed_until IS NOT NULL"],
                                capture_output=True, text=True, check=True).stdout.strip()
        killed_at = time.time()
        self.assertLess(before, 120, "the batch finished before the kill; nothing was tested")
        # Rows the dead notifier had claimed wait for their lease (--notify_lease,
        # 35 s here, its least), then the restarted one takes them over.
        self.start_comms()
        def delivered():
            r = subprocess.run(["psql", self.db.url, "-XAtqc",
                                "SELECT count(*) FROM notification_deliveries d JOIN subscribers "
                                "s ON s.id = d.subscriber_id WHERE s.destination LIKE '%/slow/%' "
                                "AND d.state = 'delivered'"],
                               capture_output=True, text=True, check=True)
            return int(r.stdout.strip())
        wait_for("all 120 recorded delivered", lambda: delivered() == 120, timeout=120)
        self.assertEqual(len({r["path"] for r in slow()}), 120)
        # A resend after the kill carries the id of the first send: one id per subscriber.
        self.assertEqual(len({r["id"] for r in slow()}), 120)
        self.assertTrue(all(r["verified"] for r in slow()))
        print("SIGKILL after %d of 120 deliveries, %s claimed and unrecorded; all 120 "
              "delivered %.1f s after the kill, %d duplicates (sent, not recorded before the "
              "kill)" % (before, leased, time.time() - killed_at, len(slow()) - 120))

    def post(self, path, data, headers=None):
        req = urllib.request.Request(self.page + path, data=data.encode(), method="POST",
                                     headers=dict({"Content-Type":
                                                   "application/x-www-form-urlencoded"},
                                                  **(headers or {})))
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def test_3_subscribe_on_the_status_page_confirm_and_one_click_unsubscribe(self):
        status, page = fs.http_get(self.page + "/")
        self.assertIn('href="/subscribe"', page)
        # The form: a cookie and a hidden token that must match it.
        with urllib.request.urlopen(self.page + "/subscribe", timeout=10) as r:
            form = r.read().decode()
            cookie = r.headers["Set-Cookie"].split(";")[0]
        self.assertIn("SameSite=Strict", r.headers["Set-Cookie"])
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        mails_before = len(self.inbox.messages)

        # No cookie (a cross-site POST), a forged token, another origin: 403.
        body = urllib.parse.urlencode({"email": "reader@example.net", "csrf": csrf})
        self.assertEqual(self.post("/subscribe", body)[0], 403)
        forged = urllib.parse.urlencode({"email": "reader@example.net", "csrf": csrf + "x"})
        self.assertEqual(self.post("/subscribe", forged, {"Cookie": cookie})[0], 403)
        self.assertEqual(self.post("/subscribe", body, {"Cookie": cookie,
                                                        "Origin": "https://evil.example"})[0],
                         403)
        bad = urllib.parse.urlencode({"email": "not-an-address", "csrf": csrf})
        status, text = self.post("/subscribe", bad, {"Cookie": cookie})
        self.assertEqual(status, 400)
        self.assertIn("email address", text)

        status, text = self.post("/subscribe", body, {"Cookie": cookie})
        self.assertEqual(status, 200, text)
        self.assertIn("Check your inbox", text)
        wait_for("the confirmation mail", lambda: len(self.inbox.messages) > mails_before,
                 timeout=15)
        confirm_mail = email.message_from_bytes(self.inbox.messages[-1],
                                                policy=email.policy.default)
        self.assertEqual(str(confirm_mail["To"]), "reader@example.net")
        link = re.search(r"(http://\S+/subscriptions/confirm\?token=[\w.=-]+)",
                         confirm_mail.get_body(("plain",)).get_content()).group(1)
        # The same address again: the same answer, and no second mail within the hour.
        self.assertIn("Check your inbox", self.post("/subscribe", body, {"Cookie": cookie})[1])

        # GET shows a button and changes nothing; POST confirms.
        status, text = fs.http_get(link)
        self.assertEqual(status, 200)
        self.assertIn("Confirm my subscription", text)
        self.assertEqual(self.post(link[len(self.page):], "")[0], 200)
        forged_link = link[:-3] + "AAA"
        self.assertEqual(self.post(forged_link[len(self.page):], "")[0], 403)
        time.sleep(1)
        self.assertEqual(len([m for m in self.inbox.messages[mails_before:]
                              if b"reader@example.net" in m]), 1)

        # Now confirmed: the next public update reaches the reader.
        self.declare("Search errors")
        wait_for("the reader's notification", lambda: any(
            b"Search errors" in m and b"reader@example.net" in m
            for m in self.inbox.messages), timeout=15)
        note = [email.message_from_bytes(m, policy=email.policy.default)
                for m in self.inbox.messages
                if b"Search errors" in m and b"reader@example.net" in m][0]
        one_click = str(note["List-Unsubscribe"]).split(",")[0].strip().strip("<>")
        self.assertEqual(self.post(one_click[len(self.page):],
                                   "List-Unsubscribe=One-Click")[0], 200)
        wait_for("the unsubscribe", lambda: subprocess.run(
            ["psql", self.db.url, "-XAtqc", "SELECT count(*) FROM subscribers WHERE "
             "destination = 'reader@example.net' AND unsubscribed_at IS NOT NULL"],
            capture_output=True, text=True).stdout.strip() == "1", timeout=10)
        self.declare("Search errors again")
        time.sleep(3)
        self.assertFalse(any(b"Search errors again" in m and b"reader@example.net" in m
                             for m in self.inbox.messages),
                         "mail was sent after the one-click unsubscribe")


if __name__ == "__main__":
    unittest.main(verbosity=2)
