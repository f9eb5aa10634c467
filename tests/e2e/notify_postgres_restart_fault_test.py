#!/usr/bin/python3
"""Notifications while PostgreSQL restarts mid-delivery (issue 11).

statuscast-comms --notify runs over a PostgreSQL cluster of the test's own
(fault_support.OwnCluster). 150 webhook subscribers on 127.0.0.1 each take
0.1 s to answer; an incident is declared, and once some deliveries have
arrived PostgreSQL is stopped (pg_ctl -m fast) for 5 s while sends are in
flight, then started again. Nothing is restarted but PostgreSQL. Proven:
  - deliveries continue after it is back: all 150 are recorded delivered,
    without restarting the notifier;
  - nothing lost: every subscriber's receiver got its notification;
  - no delivery counted twice: one delivery row per subscriber, and the set
    of webhook-ids the receivers saw equals the set of delivery ids stored;
    a resend (a send whose outcome could not be recorded while PostgreSQL
    was away) carries the id of the first send, so receivers deduplicate it.
Prints the figures (delivered before the stop, resends, time to all
delivered).

Usage: notify_postgres_restart_fault_test.py BUILD_DIR SOURCE_DIR
"""
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BUILD_DIR, SOURCE_DIR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
CTL = os.path.join(BUILD_DIR, "services/ctl/statuscastctl")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402

SUBSCRIBERS = 150
lock = threading.Lock()
received = []  # (path, webhook-id)


class Receiver(fs.QuietHandler):
    def do_POST(self):
        self.read_body()
        time.sleep(0.1)
        with lock:
            received.append((self.path, self.headers.get("webhook-id")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()



class NotifyPostgresRestartTest(unittest.TestCase):
    def setUp(self):
        self.pg = self.comms = self.http = None
        self.addCleanup(self.cleanup)
        self.tmp = tempfile.mkdtemp(prefix="statuscast-notify-pg-")
        self.pg = fs.OwnCluster()
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.base = "http://127.0.0.1:%d" % self.http.server_address[1]
        key_file = os.path.join(self.tmp, "link.key")
        with open(key_file, "w") as f:
            f.write(os.urandom(32).hex())
        self.grpc_port = fs.free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")}
        self.comms = fs.Service(BUILD_DIR, "statuscast-comms", [
            "--database_url=" + self.pg.url, "--grpc_address=127.0.0.1:%d" % self.grpc_port,
            "--metrics_address=127.0.0.1:%d" % fs.free_port(), "--auth=disabled",
            "--lint_reject=none", "--notify", "--notify_poll_interval=100ms",
            "--notify_retry_base=100ms", "--notify_lease=35s",
            "--status_page_url=http://127.0.0.1:%d" % fs.free_port(),
            "--link_token_secret_file=" + key_file, "--allow_private_destinations",
            "--allow_http_webhooks"], self.tmp, env=self.env)
        fs.wait_for("statuscast-comms", lambda: self.ctl_ok("subscribers", "list"), 30)

    def cleanup(self):
        if self.comms:
            self.comms.stop()
        if self.http:
            self.http.shutdown()
            self.http.server_close()
        if self.pg:
            self.pg.close()

    def ctl_ok(self, *args):
        return subprocess.run([CTL, "--server=127.0.0.1:%d" % self.grpc_port] + list(args),
                              capture_output=True, text=True, env=self.env).returncode == 0

    def ctl(self, *args):
        r = subprocess.run([CTL, "--server=127.0.0.1:%d" % self.grpc_port] + list(args),
                           capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_postgres_restart_mid_delivery_loses_and_double_counts_nothing(self):
        self.ctl("component", "create", "checkout")
        for i in range(SUBSCRIBERS):
            self.ctl("subscribers", "add", "webhook", "%s/r/%d" % (self.base, i))
        self.ctl("declare", "--title", "Checkout errors", "--severity", "SEV-1",
                 "--components", "checkout:major_outage", "--channels", "status_page",
                 "--next", "30m", "--message", "We're investigating failed card payments at "
                 "checkout for some customers. Our engineers are working on a fix.")
        fs.wait_for("the first deliveries", lambda: len(received) >= 20, 30)
        self.pg.stop()
        stopped_at = time.time()
        with lock:
            before = len(received)
        self.assertLess(before, SUBSCRIBERS, "all delivered before the stop: nothing tested")
        time.sleep(5)
        with lock:
            during = len(received) - before
        self.pg.start()
        self.assertIsNone(self.comms.proc.poll(), "statuscast-comms exited:\n" +
                          self.comms.log_text())

        def delivered():
            return int(self.pg.psql("SELECT count(*) FROM notification_deliveries WHERE "
                                    "purpose = 'notification' AND state = 'delivered'"))
        fs.wait_for("all %d recorded delivered" % SUBSCRIBERS,
                 lambda: delivered() == SUBSCRIBERS, 120)
        took = time.time() - stopped_at
        time.sleep(1)  # a late extra send would show by now

        rows = [r.split("|") for r in self.pg.psql(
            "SELECT d.id, s.destination FROM notification_deliveries d JOIN subscribers s ON "
            "s.id = d.subscriber_id WHERE d.purpose = 'notification'").split("\n")]
        self.assertEqual(len(rows), SUBSCRIBERS, "one delivery row per subscriber")
        self.assertEqual(len({dest for _, dest in rows}), SUBSCRIBERS)
        with lock:
            got = list(received)
        self.assertEqual({path for path, _ in got},
                         {"/r/%d" % i for i in range(SUBSCRIBERS)}, "a subscriber got nothing")
        self.assertEqual({wid for _, wid in got}, {rid for rid, _ in rows},
                         "the webhook-ids received are not the delivery ids stored")
        id_of = {self.base + path: wid for path, wid in got}
        for rid, dest in rows:
            self.assertEqual(id_of[dest], rid, "a resend to %s carried another id" % dest)
        self.assertIsNone(self.comms.proc.poll())
        print("PostgreSQL stopped for 5 s after %d of %d deliveries (%d more arrived while it "
              "was down); all %d recorded delivered %.1f s after the stop, without restarting "
              "the notifier; %d resends (same webhook-id)"
              % (before, SUBSCRIBERS, during, SUBSCRIBERS, took, len(got) - SUBSCRIBERS))


if __name__ == "__main__":
    unittest.main(verbosity=2)
