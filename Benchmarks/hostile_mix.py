#!/usr/bin/env python3
"""A normal client at 10 requests/s while hostile clients attack the router, for each binary given; prints the
normal client's latency (p50, p99, max) and errors, and the router's peak RSS. Goal (issue 14): no errors and
p99 <= 50 ms under the mix.

The mix, all at once for --seconds (bounded in count and time):
  - half-open: 100 connections/s that send part of a request head and close;
  - slow bodies: 300 keyed connections from 127.0.0.2 that announce 100 KB and send one byte a second;
  - keyless bodies: 16 clients, each a connection every 0.3 s (~50/s) announcing and sending 1 MB without a key.
The normal client sends non-streamed completions on fresh connections from 127.0.0.1 (5 s timeout each) to a
fast fake miner (Tests/acceptance/fake_miner.py, its own process).

Usage: python3 Benchmarks/hostile_mix.py --bin OLD --bin NEW [--seconds 20] [--rounds 1]
Both binaries run in the same window, alternating per round; every router gets the same default-limits config.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import multiprocessing
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from streams import ROOT, free_port, proc_status, wait_http_200  # noqa: E402

KEY = b"default-dev-token"


def completion_request() -> bytes:
    body = json.dumps({"session_id": 0, "prompt": "hello", "stream": False, "max_tokens": 4}).encode()
    return (b"POST /api/v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
            + b"\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


def normal_client(port: int, seconds: float, latencies: list[float], errors: list[str]) -> None:
    request = completion_request()
    start = time.monotonic()
    for i in range(int(seconds * 10)):
        time.sleep(max(0.0, start + i * 0.1 - time.monotonic()))
        began = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(request)
                reply = b""
                while chunk := s.recv(65536):
                    reply += chunk
            if not reply.startswith(b"HTTP/1.1 200"):
                errors.append(reply.split(b"\r\n", 1)[0].decode(errors="replace") or "closed without an answer")
                continue
            latencies.append(time.monotonic() - began)
        except OSError as e:
            errors.append(f"{type(e).__name__}: {e}")


def half_open(port: int, stop: threading.Event) -> None:
    while not stop.is_set():
        began = time.monotonic()
        for _ in range(10):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            except OSError:
                pass
        time.sleep(max(0.0, 0.1 - (time.monotonic() - began)))


def slow_bodies(port: int, stop: threading.Event, count: int = 300) -> None:
    head = (b"POST /api/v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
            + b"\r\nContent-Type: application/json\r\nContent-Length: 102400\r\n\r\n")
    held: list[socket.socket] = []
    try:
        while not stop.is_set():
            while len(held) < count and not stop.is_set():
                try:
                    s = socket.socket()
                    s.bind(("127.0.0.2", 0))
                    s.settimeout(2)
                    s.connect(("127.0.0.1", port))
                    s.sendall(head)
                    s.setblocking(False)
                    held.append(s)
                except OSError:
                    break
            stop.wait(1.0)
            alive = []
            for s in held:
                try:
                    s.send(b" ")
                    alive.append(s)
                except OSError:
                    s.close()
            held = alive
    finally:
        for s in held:
            s.close()


def keyless_bodies(port: int, stop: threading.Event) -> None:
    payload = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 1048576\r\n\r\n" + b"x" * 1048576)
    while not stop.is_set():
        began = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                try:
                    s.sendall(payload)
                except OSError:
                    pass
                s.recv(64)
        except OSError:
            pass
        stop.wait(max(0.0, 0.3 - (time.monotonic() - began)))


def attack(port: int, stop: threading.Event) -> None:
    """Every attacker at once, in this process (its own GIL: the normal client's timings stay its own)."""
    attackers = [threading.Thread(target=half_open, args=(port, stop)),
                 threading.Thread(target=slow_bodies, args=(port, stop))]
    attackers += [threading.Thread(target=keyless_bodies, args=(port, stop)) for _ in range(16)]
    for t in attackers:
        t.start()
    for t in attackers:
        t.join()


def run_once(binary: Path, miner_port: int, seconds: float, tmp: Path) -> dict:
    port = free_port()
    state = tmp / f"state-{port}"
    state.mkdir()
    cfg = tmp / f"router-{port}.toml"
    cfg.write_text(f"""
[server]
host = "127.0.0.1"
port = {port}

[state]
directory = "{state}"

[auth]
dev_mode = true
rate_limit_per_minute = 0
rate_limit_burst = 1000000

[log]
level = "warning"

[[miners]]
id = "fast"
url = "http://127.0.0.1:{miner_port}"
models = ["fake-model"]
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    router = subprocess.Popen([str(binary), "serve", "--config", str(cfg)], env=env, stdin=subprocess.DEVNULL,
                              stdout=open(tmp / f"router-{port}.log", "wb"), stderr=subprocess.STDOUT)
    try:
        wait_http_200(port, "/readyz", 30, router)
        quiet_latencies: list[float] = []
        normal_client(port, min(seconds, 10.0), quiet_latencies, [])
        stop = multiprocessing.Event()
        attacker = multiprocessing.Process(target=attack, args=(port, stop))
        attacker.start()
        time.sleep(2.0)  # let the mix build up before measuring
        latencies: list[float] = []
        errors: list[str] = []
        normal_client(port, seconds, latencies, errors)
        stop.set()
        attacker.join(timeout=30)
        if attacker.is_alive():
            attacker.kill()
        hwm = int(proc_status(router.pid)["VmHWM"].split()[0]) / 1024
    finally:
        router.terminate()
        try:
            router.wait(timeout=20)
        except subprocess.TimeoutExpired:
            router.kill()
    ms = sorted(x * 1000 for x in latencies)
    quiet = sorted(x * 1000 for x in quiet_latencies)
    return {"binary": str(binary), "requests": int(seconds * 10), "ok": len(ms), "errors": len(errors),
            "first_error": errors[0] if errors else None, "p50_ms": percentile(ms, 0.5), "p99_ms": percentile(ms, 0.99),
            "max_ms": ms[-1] if ms else float("nan"), "quiet_p50_ms": percentile(quiet, 0.5),
            "quiet_p99_ms": percentile(quiet, 0.99), "peak_rss_mb": hwm}


def percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * q))] if sorted_ms else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", action="append", required=True, help="router binary (repeat to compare)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    tmp = Path(tempfile.mkdtemp(prefix="ce-bench-hostile."))
    miner_port = free_port()
    miner = subprocess.Popen([sys.executable, str(ROOT / "Tests/acceptance/fake_miner.py"), "--port",
                              str(miner_port), "--pace", "0"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(tmp / "miner.log", "wb"))
    try:
        wait_http_200(miner_port, "/v1/models", 30, miner)
        for round_number in range(args.rounds):
            for binary in args.bin:
                r = run_once(Path(binary), miner_port, args.seconds, tmp)
                print(f"round {round_number + 1} {r['binary']}: {r['ok']}/{r['requests']} ok, {r['errors']} errors"
                      f"{' (' + r['first_error'] + ')' if r['first_error'] else ''}; p50 {r['p50_ms']:.1f} ms, "
                      f"p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.1f} ms (no attack: p50 {r['quiet_p50_ms']:.1f}, "
                      f"p99 {r['quiet_p99_ms']:.1f} ms); peak RSS {r['peak_rss_mb']:.1f} MB",
                      flush=True)
                print("json: " + json.dumps(r), flush=True)
    finally:
        miner.terminate()
        miner.wait(timeout=10)


if __name__ == "__main__":
    main()
