#!/usr/bin/python3
"""The attack of issue 17 with raw HTTP/2 (Debian's python3-h2): opens N
BannerService.Subscribe streams on one TCP connection, sending every stream
before reading anything, so the server's SETTINGS (MAX_CONCURRENT_STREAMS)
are never acknowledged first. Prints one summary line:

  open=<streams that received a banner set and no status>
  exhausted=<streams ended RESOURCE_EXHAUSTED> other=<anything else>

  raw_http2_subscribe.py HOST PORT STREAMS [SECONDS]
"""
import socket
import sys

import h2.config
import h2.connection
import h2.events


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
    sock = socket.create_connection((host, port))
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    request = b"\x0a\x03web\x12\x09/checkout"  # SubscribeRequest{app: "web", path: "/checkout"}
    body = b"\x00" + len(request).to_bytes(4, "big") + request
    for _ in range(n):
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, [(":method", "POST"), (":scheme", "http"),
                                (":authority", f"{host}:{port}"),
                                (":path", "/statuscast.v1.BannerService/Subscribe"),
                                ("content-type", "application/grpc"), ("te", "trailers")])
        conn.send_data(sid, body, end_stream=True)
    sock.sendall(conn.data_to_send())

    got_data, status = set(), {}
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            for e in conn.receive_data(data):
                if isinstance(e, h2.events.DataReceived):
                    got_data.add(e.stream_id)
                    conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                elif isinstance(e, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
                    for k, v in e.headers:
                        if k == b"grpc-status":
                            status[e.stream_id] = int(v)
                elif isinstance(e, h2.events.StreamReset):
                    status[e.stream_id] = -1
            sock.sendall(conn.data_to_send())
    except socket.timeout:
        pass
    opened = len(got_data - set(status))
    exhausted = sum(1 for v in status.values() if v == 8)
    print(f"open={opened} exhausted={exhausted} other={n - opened - exhausted}")
    sock.close()


if __name__ == "__main__":
    main()
