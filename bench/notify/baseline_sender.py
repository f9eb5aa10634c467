#!/usr/bin/python3
"""The baseline for bench/notify/run: the least a sender of signed webhooks
does. Sends one Standard Webhooks-signed POST (HMAC-SHA256 over
id.timestamp.body) to each URL read from stdin, from WORKERS threads with
one kept-alive connection each, in a plain loop: no database, no queue, no
retries. Prints "<start unix time> <end unix time>" when all are answered.

Usage: baseline_sender.py WORKERS SECRET_BASE64 < urls
"""
import base64
import hashlib
import hmac
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid

workers, key = int(sys.argv[1]), base64.b64decode(sys.argv[2])
urls = [line.strip() for line in sys.stdin if line.strip()]
body = json.dumps({"type": "incident.updated", "incident": {"name": "Checkout errors",
                   "impact": "SEV-1"}}).encode()


def send(my_urls):
    conn = None
    for url in my_urls:
        u = urllib.parse.urlsplit(url)
        msg_id, ts = "msg_" + uuid.uuid4().hex, str(int(time.time()))
        sig = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body,
                                        hashlib.sha256).digest()).decode()
        for attempt in range(3):
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            try:
                conn.request("POST", u.path, body, {"Content-Type": "application/json",
                                                    "webhook-id": msg_id, "webhook-timestamp": ts,
                                                    "webhook-signature": "v1," + sig})
                conn.getresponse().read()
                break
            except (OSError, http.client.HTTPException):
                # A connection the busy receiver dropped: a new one, as the
                # notifier would (it used to end this thread and its share).
                conn.close()
                conn = None


start = time.time()
threads = [threading.Thread(target=send, args=(urls[i::workers],)) for i in range(workers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("%.6f %.6f" % (start, time.time()))
