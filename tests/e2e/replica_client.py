#!/usr/bin/python3
"""Banner subscribers written independently of the project's code, for
replica_kill_fault_test.py: one asyncio process holding N gRPC (grpc.aio,
stubs generated from our .proto) or N SSE (raw HTTP/1.1 over a socket,
chunked decoding and SSE parsing by hand) subscribers.

Usage: replica_client.py GEN_DIR grpc|sse N HOST:GRPC_PORT/HTTP_PORT,... OUT_JSON

Subscriber i starts on replica i % R. When its stream breaks it reconnects to
the next replica in the list (a load balancer would send it to a live one),
resuming where it was:
  - SSE, as the browser SDK's EventSource does: wait the server's `retry:`
    hint (jittered by the server), reconnect with Last-Event-ID; a failed
    connection attempt waits jitter(min(60 s, 1 s * 2^attempt)), the SDK's
    fallback rule (jitter(ms) = ms * (0.5 + random)).
  - gRPC: wait jitter(min(60 s, 1 s * 2^attempt)) from attempt 0 (0.5-1.5 s),
    then Subscribe again with last_version.
Prints "ready" once every subscriber has its first set; on "stop" from stdin
writes OUT_JSON and exits. Each subscriber's record: the sets it received
[(time, version)], its connections [(time of first message, replica index)],
its breaks [time], and any set older than one it already had (must stay
empty).
"""
import asyncio
import json
import os
import random
import sys
import time

gen, kind, n, replicas, out_path = sys.argv[1:6]
n = int(n)
sys.path.insert(0, gen)
replicas = [(r.split(":")[0], int(r.split(":")[1].split("/")[0]), int(r.split("/")[1]))
            for r in replicas.split(",")]


def jitter(seconds):
    return seconds * (0.5 + random.random())


class Subscriber:
    def __init__(self, index):
        self.replica = index % len(replicas)
        self.sets = []          # [time, version]
        self.connections = []   # [time of the first message, replica]
        self.breaks = []        # time the stream broke
        self.older = []         # [time, version, newest held]
        self.version = 0
        self.first = asyncio.get_running_loop().create_future()

    def connected(self):
        self.connections.append([time.time(), self.replica])

    def got_set(self, version):
        now = time.time()
        if version < self.version:
            self.older.append([now, version, self.version])
        self.sets.append([now, version])
        self.version = max(self.version, version)
        if not self.first.done():
            self.first.set_result(True)

    def broke(self):
        self.breaks.append(time.time())
        self.replica = (self.replica + 1) % len(replicas)

    def record(self):
        return {"sets": self.sets, "connections": self.connections, "breaks": self.breaks,
                "older": self.older}


async def run_grpc(sub, channels):
    from statuscast.v1 import banner_pb2
    from statuscast.v1 import banner_pb2_grpc
    import grpc
    attempt = 0
    while True:
        stub = banner_pb2_grpc.BannerServiceStub(channels[sub.replica])
        call = stub.Subscribe(banner_pb2.SubscribeRequest(app="web", path="/",
                                                          last_version=sub.version))
        first = True
        try:
            async for m in call:
                if first:
                    sub.connected()
                    first = False
                    attempt = 0
                if m.HasField("set"):
                    sub.got_set(m.set.version)
        except grpc.aio.AioRpcError:
            pass
        sub.broke()
        await asyncio.sleep(jitter(min(60.0, 2.0 ** attempt)))
        attempt += 1


async def read_chunks(reader):
    """Yields the body of a chunked HTTP/1.1 response piece by piece."""
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return
        data = await reader.readexactly(size)
        await reader.readline()
        yield data


async def run_sse(sub):
    retry_s, attempt, last_id = 3.0, 0, None
    while True:
        host, _, port = replicas[sub.replica]
        writer, opened = None, False
        try:
            reader, writer = await asyncio.open_connection(host, port)
            request = ("GET /v1/banners/stream?app=web&path=/ HTTP/1.1\r\nHost: banner\r\n"
                       "Accept: text/event-stream\r\n")
            if last_id is not None:
                request += "Last-Event-ID: %s\r\n" % last_id
            writer.write((request + "\r\n").encode())
            status = await reader.readline()
            if b" 200 " not in status:
                raise ConnectionError(status.decode(errors="replace").strip())
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
            sub.connected()
            opened, attempt = True, 0
            buffered, event = b"", {}
            async for chunk in read_chunks(reader):
                buffered += chunk
                while b"\n" in buffered:
                    line, buffered = buffered.split(b"\n", 1)
                    line = line.rstrip(b"\r").decode()
                    if line == "":
                        if event.get("event") == "banners" and "data" in event:
                            sub.got_set(int(json.loads(event["data"])["version"]))
                        if "id" in event:
                            last_id = event["id"]
                        event = {}
                    elif line.startswith(":"):
                        continue
                    else:
                        field, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if field == "retry" and value.isdigit():
                            retry_s = int(value) / 1000.0
                        else:
                            event[field] = value
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            if writer is not None:
                writer.close()
        sub.broke()
        # A stream that was open and ended waits the retry hint (EventSource);
        # a failed connection attempt backs off as the SDK's fallback does.
        if opened:
            await asyncio.sleep(retry_s)
        else:
            await asyncio.sleep(jitter(min(60.0, 2.0 ** attempt)))
            attempt += 1


async def main():
    channels = []
    subs = [Subscriber(i) for i in range(n)]
    if kind == "grpc":
        import grpc
        # 50 streams per connection (the server allows 100 per connection),
        # each connection its own (no shared subchannel).
        for group in range(0, n, 50):
            channels.append([grpc.aio.insecure_channel(
                "%s:%d" % (host, grpc_port),
                options=[("grpc.use_local_subchannel_pool", 1),
                         ("grpc.initial_reconnect_backoff_ms", 200)])
                for host, grpc_port, _ in replicas])
        tasks = [asyncio.create_task(run_grpc(s, channels[i // 50]))
                 for i, s in enumerate(subs)]
    else:
        tasks = []
        for s in subs:
            tasks.append(asyncio.create_task(run_sse(s)))
            await asyncio.sleep(0.001)  # no SYN flood against the listen backlog
    await asyncio.wait_for(asyncio.gather(*(s.first for s in subs)), 120)
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    while (await loop.run_in_executor(None, sys.stdin.readline)).strip() not in ("stop", ""):
        pass
    for t in tasks:
        t.cancel()
    with open(out_path, "w") as f:
        json.dump([s.record() for s in subs], f)
    print("written", flush=True)
    os._exit(0)  # no waiting for grpc.aio's channels to wind down


asyncio.run(main())
