#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for the browser tests (Debian's
python3-aiosmtpd, as tests/e2e uses): each message received is written to
DIR/<n>.eml, then renamed into place, so a reader never sees half a mail.
Prints "ready" once it listens; runs until killed.

Usage: mail_sink.py PORT DIR
"""
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]
count = 0
lock = threading.Lock()


class Sink:
    async def handle_DATA(self, server, session, envelope):
        global count
        with lock:
            count += 1
            name = os.path.join(out, "%06d.eml" % count)
        with open(name + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".part", name)
        return "250 Message accepted for delivery"


controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: done.set())
while not done.wait(0.5):
    pass
controller.stop()
