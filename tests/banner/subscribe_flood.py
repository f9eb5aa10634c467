#!/usr/bin/python3
"""Opens N BannerService.Subscribe streams, one connection each, and reports
what became of each after a short while, one line per stream:
  OPEN <sets received>            still streaming
  <CODE> <message>                ended with that status
Used by subscribe_limits_netns_test from inside a network namespace (as a
client at another address). Needs Debian's python3-grpcio; no generated code:
the request is encoded by hand (app = 1, path = 2).

  subscribe_flood.py HOST:PORT STREAMS [SECONDS]
"""
import sys
import threading
import time

import grpc


def field(number, text):
    data = text.encode()
    return bytes([number << 3 | 2, len(data)]) + data


def main():
    target, streams = sys.argv[1], int(sys.argv[2])
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    request = field(1, "web") + field(2, "/checkout")
    results = [None] * streams
    sets = [0] * streams
    calls = []
    for i in range(streams):
        channel = grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
        call = channel.unary_stream("/statuscast.v1.BannerService/Subscribe",
                                    request_serializer=None, response_deserializer=None)(
                                        request)  # no deadline: cancelled below after `seconds`
        calls.append((channel, call))

        def read(i=i, call=call):
            try:
                for _ in call:
                    sets[i] += 1
            except grpc.RpcError as e:
                results[i] = f"{e.code().name} {e.details()}"
        threading.Thread(target=read, daemon=True).start()
        time.sleep(0.05)  # in order, so the refused ones are the last
    time.sleep(seconds)
    for i in range(streams):
        print(results[i] or f"OPEN {sets[i]}", flush=True)
    for channel, call in calls:
        call.cancel()
        channel.close()


if __name__ == "__main__":
    main()
