"""Round trips through a worker process's real pipes, against the bare pipe floor.

    python3 -m kairos.worker_bench [--n 5000] [--window 32] [--runs 3]

Starts ``python3 -m kairos.worker - 65536`` (no store) and sends it task requests for ``operator:add(1, 2)``
(a C function: what is timed is the worker, not the task) as the kernel would, framed on their own channels:

* sequential: one request in flight; p50 / p99 of the round trip (request written -> reply read) and tasks/s;
* pipelined: --window requests in flight at once (a new one sent as each reply arrives); tasks/s.

The floor: the same frames sent to a trivial Python loop that echoes each frame back (read 12 bytes, read the
payload, write the frame: no parsing, no threads), timed the same way. The client is Python too, so its own cost
(about the same in both) is in every figure; a Java client is cheaper.
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import subprocess
import sys
import time

from . import codec

_ECHO = r"""
import os, struct
r = open(0, "rb", buffering=1 << 16)
w = os.dup(1)
os.write(w, struct.pack(">iq", 0x4B414952, os.getpid()))
while True:
    head = r.read(12)
    if len(head) < 12:
        break
    n = struct.unpack(">qi", head)[1]
    os.write(w, head + r.read(n))
"""


def _request(function: str, args: list) -> bytes:
    encoded = codec.encode(args, "xlang")
    name, fn = b"bench", function.encode()
    return (struct.pack(">iqqi", 1, 1, 0, 0) + struct.pack(">i", len(name)) + name + struct.pack(">i", len(fn)) + fn
            + struct.pack(">i", 0) + struct.pack(">i", len(encoded)) + encoded)


class _Peer:
    def __init__(self, argv: list[str], env: dict):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0)
        self.out = self.proc.stdin.fileno()
        self.reader = open(self.proc.stdout.fileno(), "rb", buffering=1 << 16, closefd=False)
        hello = self.reader.read(12)
        if len(hello) < 12 or struct.unpack(">iq", hello)[0] != 0x4B414952:
            raise RuntimeError(f"no hello from {argv}")

    def send(self, channel: int, payload: bytes) -> None:
        os.write(self.out, struct.pack(">qi", channel, len(payload)) + payload)

    def receive(self) -> tuple[int, bytes]:
        channel, n = struct.unpack(">qi", self.reader.read(12))
        return channel, self.reader.read(n)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _sequential(peer: _Peer, payload: bytes, n: int, check) -> tuple[list[float], float]:
    times = []
    send, receive, clock = peer.send, peer.receive, time.perf_counter
    start = clock()
    for i in range(1, n + 1):
        t0 = clock()
        send(i, payload)
        channel, reply = receive()
        times.append(clock() - t0)
        if channel != i:
            raise RuntimeError(f"reply on channel {channel}, expected {i}")
    total = clock() - start
    check(reply)
    return times, n / total


def _pipelined(peer: _Peer, payload: bytes, n: int, window: int) -> float:
    send, receive = peer.send, peer.receive
    start = time.perf_counter()
    sent = 0
    for _ in range(min(window, n)):
        sent += 1
        send(sent, payload)
    for _ in range(n):
        receive()
        if sent < n:
            sent += 1
            send(sent, payload)
    return n / (time.perf_counter() - start)


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000, help="round trips per run")
    ap.add_argument("--window", type=int, default=32, help="requests in flight when pipelined")
    ap.add_argument("--runs", type=int, default=3, help="runs of each (the best is printed)")
    opts = ap.parse_args(argv)
    env = dict(os.environ)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join([here] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.pop("KAIROS_STORE", None)
    payload = _request("operator:add", [1, 2])
    expected = struct.pack(">BBi", 0, 1, 17) + codec.encode(3, "xlang")

    def check_worker(reply):
        if reply != expected:
            raise RuntimeError(f"unexpected reply {reply!r}")

    def check_echo(reply):
        if reply != payload:
            raise RuntimeError("the echo differs")

    peers = {"worker": ([sys.executable, "-m", "kairos.worker", "-", "65536"], check_worker),
             "pipe floor (echo)": ([sys.executable, "-c", _ECHO], check_echo)}
    print(f"{len(payload)}-byte requests, {opts.n} round trips per run, best of {opts.runs} runs")
    for label, (args, check) in peers.items():
        peer = _Peer(args, env)
        try:
            _sequential(peer, payload, min(500, opts.n), check)  # warm up
            best = None
            for _ in range(opts.runs):
                times, rate = _sequential(peer, payload, opts.n, check)
                p50 = statistics.median(times)
                if best is None or p50 < best[0]:
                    best = (p50, _percentile(times, 0.99), rate)
            piped = max(_pipelined(peer, payload, opts.n, opts.window) for _ in range(opts.runs))
        finally:
            peer.close()
        print(f"{label:18s} sequential: p50 {best[0] * 1e6:6.1f} us, p99 {best[1] * 1e6:6.1f} us, "
              f"{best[2]:8.0f} tasks/s | pipelined ({opts.window} in flight): {piped:8.0f} tasks/s")


if __name__ == "__main__":
    main()
