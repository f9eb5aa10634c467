#!/usr/bin/python3
"""Banner subscribers that stop reading: run by stalled_clients_fault_test.py
inside a network namespace it created.

Usage: stalled_client.py HOST GRPC_PORT HTTP_PORT N_GRPC N_SSE
Opens N_GRPC gRPC Subscribe streams with a zero stream window and N_SSE SSE
streams with a 2 KiB receive buffer (fault_support.stalled_*_client), reads
their first bytes, prints "ready", and never reads again until killed.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402

host, grpc_port, http_port, n_grpc, n_sse = sys.argv[1], *map(int, sys.argv[2:6])
held = [fs.stalled_grpc_client(host, grpc_port) for _ in range(n_grpc)]
held += [fs.stalled_sse_client(host, http_port) for _ in range(n_sse)]
print("ready", flush=True)
while True:
    time.sleep(3600)
