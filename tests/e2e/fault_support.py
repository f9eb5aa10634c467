"""Shared pieces of the end-to-end tests (tests/e2e): Python stubs
generated from our .proto at test time, a PostgreSQL cluster of the test's
own (so it can be stopped, made read-only, ...), the real service binaries as
child processes, and small measurements (RSS, percentiles).

Everything listens on 127.0.0.1 or in network namespaces the tests create.
"""
import base64
import hashlib
import hmac
import http.server
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from ports import free_port  # noqa: E402,F401  (below the ephemeral range; re-exported)

GOOGLEAPIS = "/usr/share/gocode/src/github.com/gogo/googleapis"
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


def generate_stubs(source_dir, gen_dir):
    """Generates Python stubs for every statuscast proto, and for
    google.rpc's status and error details, into gen_dir (put on sys.path)."""
    from grpc_tools import protoc
    proto_dir = os.path.join(source_dir, "proto")
    names = sorted(n for n in os.listdir(os.path.join(proto_dir, "statuscast", "v1"))
                   if n.endswith(".proto"))
    # A missing proto is a broken checkout: fail, never skip part of a test.
    assert "incident.proto" in names, "no statuscast protos in " + proto_dir
    for name in names:
        rc = protoc.main(["protoc", "-I", proto_dir, "-I", GOOGLEAPIS, "-I", "/usr/include",
                          "--python_out", gen_dir, "--grpc_python_out", gen_dir,
                          os.path.join(proto_dir, "statuscast", "v1", name)])
        assert rc == 0, "protoc failed for " + name
    for proto in ("google/rpc/status.proto", "google/rpc/error_details.proto"):
        rc = protoc.main(["protoc", "-I", GOOGLEAPIS, "-I", "/usr/include", "--python_out",
                          gen_dir, os.path.join(GOOGLEAPIS, proto)])
        assert rc == 0, "protoc failed for " + proto
    sys.path.insert(0, gen_dir)


def start_test(prefix):
    """(BUILD_DIR, SOURCE_DIR, GEN) of an e2e test run as `test.py BUILD_DIR
    SOURCE_DIR [unittest arguments]`: the two folders are taken off sys.argv
    (unittest sees only its own), GEN is a new temp folder (named prefix...)
    holding the generated stubs, which are importable from then on."""
    build_dir, source_dir = sys.argv[1], sys.argv[2]
    del sys.argv[1:3]
    gen = tempfile.mkdtemp(prefix=prefix)
    generate_stubs(source_dir, gen)
    return build_dir, source_dir, gen


def timestamp(dt):
    """A google.protobuf.Timestamp of the datetime `dt`."""
    from google.protobuf import timestamp_pb2
    t = timestamp_pb2.Timestamp()
    t.FromDatetime(dt)
    return t


def search_is_slow(channels=None, **fields):
    """A DeclareIncidentRequest (stubs generated): SEV-3 "Search is slow" on
    component "search", degraded, first update "We're investigating slow
    search results." on `channels` (default: the status page), a fresh
    idempotency key; `fields` set more (author=...)."""
    from statuscast.v1 import incident_pb2 as pb
    return pb.DeclareIncidentRequest(
        title="Search is slow", severity=pb.SEVERITY_SEV3,
        affected_components=[pb.AffectedComponent(
            name="search", status=pb.COMPONENT_STATUS_DEGRADED_PERFORMANCE)],
        first_update=pb.UpdateDraft(message="We're investigating slow search results.",
                                    channels=channels or [pb.CHANNEL_STATUS_PAGE]),
        idempotency_key=uuid.uuid4().hex, **fields)


def webhook_signature_ok(key, headers, body, tolerance_s=300):
    """Whether `headers` sign `body` as Standard Webhooks says (symmetric):
    webhook-signature holds v1,base64(HMAC-SHA256(key, id.ts.body)) and
    webhook-timestamp is within `tolerance_s` of now. `key`: bytes (a whsec_
    secret base64-decoded). Written from the specification with Python's
    hmac, not from our C++."""
    msg_id, ts = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not msg_id or not ts.isdigit() or abs(time.time() - int(ts)) > tolerance_s:
        return False
    expected = base64.b64encode(
        hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(s[len("v1,"):], expected)
               for s in headers.get("webhook-signature", "").split(" ") if s.startswith("v1,"))


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """An HTTP/1.1 request handler that logs nothing; read_body() reads the
    request's Content-Length bytes."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))


class TestDatabase:
    """A database of its own on scripts/test's PostgreSQL
    (STATUSCAST_TEST_DATABASE_URL): `url` for the services; drop() removes it."""

    def __init__(self, prefix):
        self.admin = os.environ["STATUSCAST_TEST_DATABASE_URL"]
        self.name = prefix + uuid.uuid4().hex[:12]
        subprocess.run(["psql", self.admin, "-qc", "CREATE DATABASE " + self.name], check=True)
        self.url = self.admin.rsplit("/", 1)[0] + "/" + self.name

    def drop(self):
        subprocess.run(["psql", self.admin, "-qc", "DROP DATABASE " + self.name +
                        " WITH (FORCE)"], check=False)


def as_postgres(cmd):
    return ["runuser", "-u", "postgres", "--"] + cmd if os.geteuid() == 0 else cmd


def remove_stale_clusters():
    """Clusters a killed test run left (named by its pid, which is gone):
    stopped at once and removed."""
    tmp = tempfile.gettempdir()
    for name in os.listdir(tmp):
        m = re.match(r"statuscast-fault-pg-(\d+)-", name)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # its run is still going
        except OSError:
            pass
        data = os.path.join(tmp, name, "pg")
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            subprocess.run(as_postgres([os.path.join(PG_BIN, "pg_ctl"), "-D", data, "-m",
                                        "immediate", "-w", "stop"]),
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)


class OwnCluster:
    """initdb + start in a temp folder; stop/start at will; removed on close."""

    def __init__(self):
        self._new_data_dir()
        subprocess.run(as_postgres([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U",
                                    "postgres", "-A", "trust", "-E", "UTF8",
                                    "--locale=C.UTF-8", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL)
        self.start()

    def _new_data_dir(self):
        remove_stale_clusters()
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="statuscast-fault-pg-%d-" % os.getpid())
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "pg")
        if os.geteuid() == 0:
            subprocess.run(["install", "-d", "-o", "postgres", "-g", "postgres", "-m", "700",
                            self.data], check=True)

    @property
    def url(self):
        return "postgresql://postgres@127.0.0.1:%d/postgres" % self.port

    def start(self):
        subprocess.run(as_postgres([
            os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l",
            os.path.join(self.data, "server.log"), "-w", "-t", "30", "-o",
            "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off" % (self.port, self.data),
            "start"]), check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run(as_postgres([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-m",
                                    "fast", "-w", "stop"]),
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def psql(self, sql):
        r = subprocess.run(["psql", self.url, "-XAtqc", sql], capture_output=True, text=True,
                           timeout=30)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Service:
    """A service binary as a child process; its stderr goes to a log file."""

    def __init__(self, build_dir, name, args, log_dir, env=None, wrapper=()):
        sub = {"statuscast-comms": "comms", "statuscast-banner": "banner"}[name]
        self.log_path = os.path.join(log_dir, name + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(list(wrapper) + [os.path.join(build_dir, "services", sub,
                                                                   name)] + list(args),
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, **(env or {})))

    def log_text(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def stop_cleanly(proc, log=None, channel=None, db=None, name="statuscast-comms", timeout=30):
    """Closes the client's `channel`, sends SIGTERM to `proc`, closes its `log`
    and drops the TestDatabase `db` (whatever happened); AssertionError unless
    `proc` exited 0 within `timeout` s (a clean stop on SIGTERM)."""
    try:
        if channel:
            channel.close()
        proc.terminate()
        code = proc.wait(timeout=timeout)
        if log:
            log.close()
    finally:
        if db:
            db.drop()
    assert code == 0, "%s did not stop cleanly on SIGTERM: %d" % (name, code)


def wait_for(what, predicate, timeout=30, interval=0.1):
    """Polls `predicate` until it is true; AssertionError naming `what` after `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("timed out waiting for " + what)


def wait_http(url, timeout=30, context=None):
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as r:
                return r.status
        except Exception:  # noqa: BLE001 (not up yet)
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def http_get(url, timeout=5, context=None):
    """(status, body) of a GET; status 0 when no answer came."""
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except Exception as e:  # noqa: BLE001
        return 0, str(e)


def percentile(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def h2_frame(kind, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + \
        struct.pack(">I", stream) + payload


def hpack_literal(name, value):
    def length(b):
        assert len(b) < 127
        return bytes([len(b)])
    n, v = name.encode(), value.encode()
    return b"\x00" + length(n) + n + length(v) + v


def stalled_grpc_client(host, port):
    """A Subscribe stream over a hand-made HTTP/2 connection whose stream
    window is 0: the server can never send the set. Reads the server's first
    bytes (its SETTINGS), acknowledges them, and never reads again."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.connect((host, port))
    request = b"\x0a\x03web\x12\x01/"  # SubscribeRequest{app: "web", path: "/"}
    headers = b"".join(hpack_literal(k, v) for k, v in [
        (":method", "POST"), (":scheme", "http"),
        (":path", "/statuscast.v1.BannerService/Subscribe"),
        (":authority", "%s:%d" % (host, port)), ("content-type", "application/grpc"),
        ("te", "trailers")])
    s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" +
              h2_frame(0x4, 0, 0, struct.pack(">HI", 0x2, 0) + struct.pack(">HI", 0x4, 0)) +
              h2_frame(0x1, 0x4, 1, headers) +
              h2_frame(0x0, 0x1, 1, b"\x00" + struct.pack(">I", len(request)) + request))
    s.settimeout(5)
    s.recv(9)  # the server's SETTINGS frame header, at least
    s.sendall(h2_frame(0x4, 0x1, 0, b""))  # SETTINGS ACK
    return s


def stalled_sse_client(host, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.connect((host, port))
    s.sendall(b"GET /v1/banners/stream?app=web&path=/ HTTP/1.1\r\nHost: banner\r\n"
              b"Accept: text/event-stream\r\n\r\n")
    s.settimeout(5)
    seen = b""
    while b"data:" not in seen:
        seen += s.recv(2048)
    return s


class Standby(OwnCluster):
    """A streaming standby of `primary` (pg_basebackup -R), started; made
    the primary with promote(). Synchronous: the primary waits for it on
    every commit, so an acknowledged write survives a failover."""

    def __init__(self, primary):  # noqa: super().__init__ would initdb
        self._new_data_dir()
        try:
            self._make(primary)
        except BaseException:
            self.close()
            raise

    def _make(self, primary):
        primary.psql("ALTER SYSTEM SET synchronous_standby_names = '*'")
        primary.psql("SELECT pg_reload_conf()")
        r = subprocess.run(as_postgres([os.path.join(PG_BIN, "pg_basebackup"), "-h", "127.0.0.1",
                                    "-p", str(primary.port), "-U", "postgres", "-D", self.data,
                                    "-R", "-X", "stream", "-c", "fast"]),
                           capture_output=True, text=True)
        assert r.returncode == 0, "pg_basebackup failed: " + r.stderr
        # The copy carries the primary's synchronous_standby_names: promoted,
        # it would wait for a standby of its own on every commit, for ever (a
        # failover manager resets it; so do we, before it starts).
        auto_conf = os.path.join(self.data, "postgresql.auto.conf")
        with open(auto_conf) as f:
            lines = [line for line in f if not line.startswith("synchronous_standby_names")]
        with open(auto_conf, "w") as f:
            f.writelines(lines)
        self.start()
        deadline = time.time() + 30
        while primary.psql("SELECT count(*) FROM pg_stat_replication "
                           "WHERE state = 'streaming'") != "1":
            assert time.time() < deadline, "the standby did not start streaming"
            time.sleep(0.1)

    def promote(self):
        subprocess.run(as_postgres([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-w",
                                    "promote"]), check=True, stdout=subprocess.DEVNULL)


class DelayProxy:
    """A TCP proxy on 127.0.0.1 in front of `port` that holds every chunk,
    each way, for `delay` seconds (settable at any time; order is kept):
    a slow network or a slow PostgreSQL as the services see it."""

    def __init__(self, port):
        import asyncio
        self.delay = 0.0
        self.target = port
        self.port = free_port()
        self._asyncio = asyncio
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self):
        asyncio = self._asyncio
        asyncio.set_event_loop(self._loop)

        async def pipe(reader, writer):
            queue = asyncio.Queue()

            async def send():
                while True:
                    due, data = await queue.get()
                    if data is None:
                        break
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    writer.write(data)
                    await writer.drain()
                writer.close()
            sender = asyncio.ensure_future(send())
            try:
                while True:
                    data = await reader.read(65536)
                    await queue.put((time.monotonic() + self.delay, data or None))
                    if not data:
                        break
            except OSError:
                await queue.put((0, None))
            try:
                await sender
            except OSError:
                pass

        async def handle(reader, writer):
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
            except OSError:
                writer.close()
                return
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer),
                                 return_exceptions=True)

        async def serve():
            self._server = await asyncio.start_server(handle, "127.0.0.1", self.port)
            self._ready.set()
        self._loop.run_until_complete(serve())
        self._loop.run_forever()

    def close(self):
        def stop():
            self._server.close()
            self._loop.stop()
        self._loop.call_soon_threadsafe(stop)
        self._thread.join(10)
