#!/usr/bin/env python3
"""Webhook delivery against a real HTTP receiver on 127.0.0.1.

The receiver verifies Standard Webhooks signatures with its own code (Python
hmac, written from the specification, not from our C++), and plays the
faults: 500, 410, 400, a redirect, a hang, a 50 MB body. notify_send_tool
sends one attempt per run and prints its DeliveryResult as JSON.

usage: webhook_delivery_test.py path/to/notify_send_tool
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time

from check_list import CheckList, free_port  # noqa: E402
import fault_support as fs  # noqa: E402  (on sys.path through check_list)

TOOL = sys.argv[1]
KEY = bytes(range(32))
SECRET = "whsec_" + base64.b64encode(KEY).decode()

received = []  # (path, headers, body, verified)
lock = threading.Lock()


class Receiver(fs.QuietHandler):
    def do_POST(self):
        body = self.read_body()
        ok = fs.webhook_signature_ok(KEY, self.headers, body)  # our own hmac code
        with lock:
            received.append((self.path, dict(self.headers), body, ok))
        if self.path == "/hang":
            time.sleep(6)
            return
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(800):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if self.path == "/flaky":
            status = 500 if len(hits("/flaky")) <= 5 else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = {"/ok": 200 if ok else 401, "/slack": 200 if ok else 401, "/fail": 500,
                  "/gone": 410, "/bad": 400, "/redirect": 302}[self.path]
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
PORT = server.server_address[1]
BASE = f"http://127.0.0.1:{PORT}"
checks = CheckList()
expect = checks.expect


def send(path, *extra, url=None):
    args = [TOOL, "webhook", f"--url={url or BASE + path}", f"--secret={SECRET}",
            "--allow_http", "--allow_non_public", "--timeout_ms=1500", *extra]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"notify_send_tool failed: {out.stderr}")
    return json.loads(out.stdout)


def hits(path):
    with lock:
        return [r for r in received if r[0] == path]


# Delivered: the receiver's own hmac accepts the signature; same id on every try.
r1 = send("/ok", "--id=msg_retry_1")
r2 = send("/ok", "--id=msg_retry_1")
expect("2xx is delivered", r1["outcome"] == "delivered" and r1["status"] == 200, r1["detail"])
got = hits("/ok")
expect("the receiver verified the signature with its own hmac",
       len(got) == 2 and all(h[3] for h in got))
expect("webhook-id is the notification id on every attempt",
       [h[1]["webhook-id"] for h in got] == ["msg_retry_1", "msg_retry_1"])
payload = json.loads(got[0][2])
expect("the payload has the Statuspage shape",
       payload["id"] == "msg_retry_1" and payload["incident"]["id"] == "INC-7"
       and payload["incident"]["incident_updates"][0]["status"] == "investigating"
       and payload["meta"]["unsubscribe"].startswith("https://")
       and payload["incident"]["components"][0]["status"] == "major_outage")
expect("Content-Type is JSON and no Expect: 100-continue",
       got[0][1].get("Content-Type") == "application/json" and "Expect" not in got[0][1])

# The integrators' snippet in docs/notifications.md accepts what we send.
doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../docs/notifications.md")
snippet = {}
exec(re.search(r"```python\n(.*?)```", open(doc, encoding="utf-8").read(), re.S).group(1), snippet)
expect("the documented verification snippet accepts the deliveries",
       all(snippet["verify"](SECRET, h[1], h[2]) for h in got)
       and not snippet["verify"](SECRET, got[0][1], got[0][2] + b" "))

# A tampered secret fails the receiver's check (the check can fail).
bad = subprocess.run([TOOL, "webhook", f"--url={BASE}/ok",
                      "--secret=whsec_" + base64.b64encode(bytes(32)).decode(),
                      "--allow_http", "--allow_non_public"], capture_output=True, text=True)
expect("a wrong key is refused by the receiver", json.loads(bad.stdout)["status"] == 401)

# Our signature equals the independent implementation's for the same input.
sig = subprocess.run([TOOL, "sign", f"--secret={SECRET}", "--id=msg_x", "--timestamp=1700000000",
                      "--body={\"a\": \"é\"}"], capture_output=True, text=True).stdout.strip()
mine = base64.b64encode(hmac.new(KEY, "msg_x.1700000000.{\"a\": \"é\"}".encode(),
                                 hashlib.sha256).digest()).decode()
expect("C++ and Python hmac agree", sig == "v1," + mine, sig)

slack = send("/slack", "--kind=slack")
body = json.loads(hits("/slack")[0][2])
expect("Slack payload has text and blocks",
       slack["outcome"] == "delivered" and "text" in body and body["blocks"][0]["type"] == "header")

r = send("/flaky", "--id=msg_flaky", "--until_done", "--retry_base_ms=20")
flaky = hits("/flaky")
expect("500 five times then 200: six attempts, one delivery",
       r["next"] == "delivered" and [a["status"] for a in r["attempts"]] == [500] * 5 + [200]
       and len(flaky) == 6, [a["status"] for a in r["attempts"]])
expect("every attempt carried the same webhook-id and a valid signature",
       {h[1]["webhook-id"] for h in flaky} == {"msg_flaky"} and all(h[3] for h in flaky))

r = send("/fail")
expect("500 is retried", r["outcome"] == "retry" and r["status"] == 500, r["detail"])
r = send("/gone")
expect("410 is gone (unsubscribe)", r["outcome"] == "gone" and r["status"] == 410, r["detail"])
r = send("/bad")
expect("other 4xx is rejected", r["outcome"] == "rejected" and r["status"] == 400, r["detail"])
before = len(hits("/ok"))
r = send("/redirect")
expect("3xx is retried and not followed",
       r["outcome"] == "retry" and r["status"] == 302 and len(hits("/ok")) == before, r["detail"])

r = send("/hang")
expect("a hanging receiver times out and is retried",
       r["outcome"] == "retry" and r["status"] == 0 and 1400 <= r["elapsed_ms"] < 4000,
       f'{r["detail"]}, {r["elapsed_ms"]:.0f} ms')

r = send("/big", "--max_response_bytes=16384")
expect("a 50 MB body is cut at the limit, quickly",
       r["outcome"] == "delivered" and r["truncated"] and r["response_bytes"] == 16384
       and r["elapsed_ms"] < 3000, f'{r["response_bytes"]} bytes, {r["elapsed_ms"]:.0f} ms')

# SSRF: a name that maps to this very receiver is refused without the allow
# option, and nothing reaches it.
count = len(received)
r = subprocess.run([TOOL, "webhook", f"--url=http://hooks.example.test:{PORT}/ok",
                    f"--secret={SECRET}", "--allow_http", "--resolve=hooks.example.test=127.0.0.1"],
                   capture_output=True, text=True)
r = json.loads(r.stdout)
expect("a name resolving to loopback is refused before any socket",
       r["outcome"] == "rejected" and r["sockets_requested"] == 0 and len(received) == count,
       r["detail"])
r = send("/ok", "--resolve=hooks.example.test=127.0.0.1", url=f"http://hooks.example.test:{PORT}/ok")
expect("with the allow option the pinned name reaches the receiver",
       r["outcome"] == "delivered" and r["sockets_opened"] == 1 and len(received) == count + 1,
       r["detail"])
r = subprocess.run([TOOL, "webhook", f"--url={BASE}/ok", f"--secret={SECRET}"],
                   capture_output=True, text=True)
expect("http:// is refused without the option", "must use https://" in json.loads(r.stdout)["detail"])

server.shutdown()
checks.finish("webhook delivery")
