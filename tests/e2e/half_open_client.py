#!/usr/bin/python3
"""Banner subscribers that behave well until their network vanishes: run by
stalled_clients_fault_test.py inside a network namespace it created.

Usage: half_open_client.py GEN_DIR GRPC_ADDRESS HTTP_HOST HTTP_PORT N
Opens N gRPC Subscribe streams (one channel each) and N SSE streams, reads
the first set on each, prints "ready", and keeps reading everything until
killed.
"""
import socket
import sys
import threading
import time

gen, grpc_address, http_host, http_port, n = sys.argv[1:6]
http_port, n = int(http_port), int(n)
sys.path.insert(0, gen)
import grpc  # noqa: E402
from statuscast.v1 import banner_pb2, banner_pb2_grpc  # noqa: E402

ready = threading.Semaphore(0)
channels = []


def grpc_stream():
    channel = grpc.insecure_channel(grpc_address, options=[("grpc.use_local_subchannel_pool", 1)])
    channels.append(channel)
    first = True
    # A connection attempt can fail while 40 start at once: try again until
    # the first set arrives (the test bounds the whole wait).
    while first:
        try:
            for _ in banner_pb2_grpc.BannerServiceStub(channel).Subscribe(
                    banner_pb2.SubscribeRequest(app="web", path="/"), wait_for_ready=True):
                if first:
                    ready.release()
                    first = False
        except grpc.RpcError:
            if not first:
                return
            time.sleep(0.2)


def sse_stream():
    s = socket.create_connection((http_host, http_port))
    s.sendall(b"GET /v1/banners/stream?app=web&path=/ HTTP/1.1\r\nHost: banner\r\n"
              b"Accept: text/event-stream\r\n\r\n")
    seen = b""
    while b"event: set" not in seen and b"data:" not in seen:
        seen += s.recv(65536)
    ready.release()
    while s.recv(65536):
        pass


for target in [grpc_stream] * n + [sse_stream] * n:
    threading.Thread(target=target, daemon=True).start()
for _ in range(2 * n):
    ready.acquire()
print("ready", flush=True)
while True:
    time.sleep(3600)
