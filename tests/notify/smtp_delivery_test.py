#!/usr/bin/env python3
"""Mail delivery through a real SMTP server on 127.0.0.1 (Debian's
python3-aiosmtpd). The received message is parsed with Python's email
package: headers (RFC 2047 subject, Message-ID, List-Unsubscribe, RFC 8058
one-click), both parts of multipart/alternative, line lengths. STARTTLS and
AUTH run against a second server with a certificate made here by openssl.

usage: smtp_delivery_test.py path/to/notify_send_tool
"""
import email
import email.policy
import json
import logging
import os
import subprocess
import sys
import tempfile
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from check_list import CheckList, free_port  # noqa: E402

TOOL = sys.argv[1]
checks = CheckList()
expect = checks.expect
# The untrusted-certificate case makes aiosmtpd log a TLS handshake traceback.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


class Inbox:
    def __init__(self):
        self.messages = []  # (mail_from, rcpt_tos, raw bytes)
        self.sessions = []  # the SMTP session (connection) of each message

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "nobody@example.org":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
                              or envelope.content))
        self.sessions.append(session)
        return "250 Message accepted for delivery"


def send(port, *extra, to="watcher@example.org"):
    out = subprocess.run([TOOL, "mail", f"--smtp_url=smtp://127.0.0.1:{port}",
                          f"--to={to}", "--timeout_ms=10000", *extra],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"notify_send_tool failed: {out.stderr}")
    return json.loads(out.stdout)


TITLE = "Störung bei Zahlungen – Kartenzahlungen schlagen fehl <script>alert(1)</script> ✓"

# 1. A plain server; STARTTLS optional: delivered, then parsed and checked.
inbox = Inbox()
plain_port = free_port()
plain = Controller(inbox, hostname="127.0.0.1", port=plain_port)
plain.start()
try:
    r = send(plain_port, "--starttls=optional", f"--title={TITLE}", "--from_name=Statusseite Müller")
    expect("the server accepted the mail", r["outcome"] == "delivered", r["detail"])
    expect("exactly one mail arrived", len(inbox.messages) == 1)
    mail_from, rcpts, raw = inbox.messages[0]
    expect("envelope sender and recipient", mail_from == "status@example.com"
           and rcpts == ["watcher@example.org"], f"{mail_from} {rcpts}")
    lines = raw.split(b"\r\n")
    expect("every raw line is ASCII and within 998 characters (RFC 5322)",
           all(len(line) <= 998 and max(line, default=0) < 128 for line in lines))
    # libcurl writes the multipart Content-Type with its boundary on one line
    # (80-86 characters); every other line keeps to the recommended 78.
    long_lines = [line for line in lines if len(line) > 78
                  and not line.lower().startswith(b"content-type: multipart/")]
    expect("every other line is within 78 characters", not long_lines, long_lines[:2])

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    expect("Subject decodes to severity, state and title",
           str(msg["Subject"]) == f"[SEV-1] Investigating: {TITLE}", str(msg["Subject"]))
    expect("From has the encoded display name",
           msg["From"].addresses[0].display_name == "Statusseite Müller"
           and msg["From"].addresses[0].addr_spec == "status@example.com", str(msg["From"]))
    expect("To", str(msg["To"]) == "watcher@example.org")
    expect("Message-ID is the notification id", str(msg["Message-ID"]) == r["message_id"]
           == "<msg_2bXkq9TfJ3@example.com>", str(msg["Message-ID"]))
    expect("Date parses", msg["Date"].datetime is not None)
    lu = str(msg["List-Unsubscribe"])
    expect("List-Unsubscribe has the https link and the mailto",
           "<https://status.example.com/unsubscribe?token=abc.def>" in lu
           and "<mailto:unsubscribe@example.com?subject=unsubscribe>" in lu, lu)
    expect("List-Unsubscribe-Post is one-click (RFC 8058)",
           str(msg["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click")
    expect("MIME-Version 1.0", str(msg["MIME-Version"]) == "1.0")

    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    expect("both parts are there", text is not None and html is not None
           and text.get_content_type() == "text/plain" and html.get_content_type() == "text/html")
    alternatives = [p for p in msg.walk() if p.get_content_type() == "multipart/alternative"]
    expect("the parts are alternatives of one another", len(alternatives) == 1
           and [p.get_content_type() for p in alternatives[0].iter_parts()]
           == ["text/plain", "text/html"])
    t, h = text.get_content(), html.get_content()
    expect("the text part has title, message, promise and links",
           TITLE in t and "Card payments fail for about 30% of customers." in t
           and "Next update by " in t and "https://status.example.com/incidents/INC-7" in t
           and "Unsubscribe: https://status.example.com/unsubscribe?token=abc.def" in t)
    expect("the HTML part escapes the title", "<script>" not in h
           and "&lt;script&gt;alert(1)&lt;/script&gt;" in h and "Störung" in h)
    expect("the HTML part links the unsubscribe URL",
           'href="https://status.example.com/unsubscribe?token=abc.def"' in h)

    r = send(plain_port, "--starttls=off", to="nobody@example.org")
    expect("a recipient the server refuses for good (550) is rejected",
           r["outcome"] == "rejected" and r["status"] == 550 and len(inbox.messages) == 1,
           r["detail"])

    # 2. STARTTLS required, server without it: not sent in clear.
    r = send(plain_port, "--starttls=required")
    expect("STARTTLS required but not offered: retried, nothing sent",
           r["outcome"] == "retry" and "STARTTLS" in r["detail"] and len(inbox.messages) == 1,
           r["detail"])

    # Several mails through one transport share one SMTP session.
    before = len(inbox.messages)
    r = send(plain_port, "--starttls=off", "--count=3")
    new_sessions = {id(s) for s in inbox.sessions[before:]}
    expect("three mails through one transport: all delivered, over one connection",
           r["delivered"] == 3 and len(inbox.messages) == before + 3 and len(new_sessions) == 1,
           f"{r['delivered']} delivered, {len(new_sessions)} sessions")
finally:
    plain.stop()

# A server that closes idle sessions after 1 s: the next mail goes over a new
# connection, and is delivered (not retried later).
idle_inbox = Inbox()
idle_port = free_port()
idle = Controller(idle_inbox, hostname="127.0.0.1", port=idle_port, timeout=1)
idle.start()
try:
    r = send(idle_port, "--starttls=off", "--count=2", "--pause_ms=2000")
    expect("a kept connection the server closed is replaced: both delivered, two sessions",
           r["delivered"] == 2 and len(idle_inbox.messages) == 2
           and len({id(s) for s in idle_inbox.sessions}) == 2,
           f"{r['delivered']} delivered: {r['detail']}")
finally:
    idle.stop()

# 3. STARTTLS and AUTH with a certificate made here.
with tempfile.TemporaryDirectory() as tmp:
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"notifier"
              and auth_data.password == b"s3cret")
        logins.append((mechanism, ok, session.ssl is not None))
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    tls_inbox = Inbox()
    tls_port = free_port()
    tls = Controller(tls_inbox, hostname="127.0.0.1", port=tls_port, tls_context=context,
                     require_starttls=True, authenticator=authenticator, auth_required=True)
    tls.start()
    try:
        r = send(tls_port, "--starttls=required", "--user=notifier", "--password=s3cret",
                 f"--ca_file={cert}")
        expect("STARTTLS and AUTH: delivered", r["outcome"] == "delivered"
               and len(tls_inbox.messages) == 1, r["detail"])
        expect("the login happened over TLS", logins and logins[-1][1] and logins[-1][2],
               str(logins))
        r = send(tls_port, "--starttls=required", "--user=notifier", "--password=wrong",
                 f"--ca_file={cert}")
        expect("a wrong password is retried (the operator's to fix), nothing sent",
               r["outcome"] == "retry" and len(tls_inbox.messages) == 1, r["detail"])
        r = send(tls_port, "--starttls=required", "--user=notifier", "--password=s3cret")
        expect("an untrusted certificate is retried, nothing sent",
               r["outcome"] == "retry" and len(tls_inbox.messages) == 1, r["detail"])
    finally:
        tls.stop()

checks.finish("mail delivery")
