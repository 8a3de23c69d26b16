#!/usr/bin/env python3
"""Hold many concurrent SSE streams open through the router against a slow-streaming miner, and report the
router's RSS (VmRSS) and thread count (Threads) from /proc at each level. Goal (issue 2): <= 64 MB RSS at
1,000 streams, and a thread count that does not grow with the number of streams.

Usage: python3 Benchmarks/streams.py [--levels 0,100,1000] [--pace 1.0] [--bin PATH]
The miner is Tests/acceptance/fake_miner.py in its own process (one token per --pace seconds per stream).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "default-dev-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, str]:
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


def wait_http_200(port: int, path: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            sys.exit(f"streams: process exited with {proc.returncode} before {path} answered")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                if s.recv(32).startswith(b"HTTP/1.1 200") or False:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"streams: {path} on port {port} not ready after {timeout}s")


def release_binary() -> Path:
    env_bin = os.environ.get("EDGE_TEST_BINARY")
    if env_bin:
        return Path(env_bin)
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib"], cwd=ROOT, check=True)
    out = subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=ROOT,
                         check=True, capture_output=True, text=True)
    return Path(out.stdout.strip()) / "cortensor-edge"


class Stream:
    """One client SSE stream: connects, waits for the first data event, then keeps draining."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.first_data = asyncio.Event()
        self.error: str | None = None
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        body = json.dumps({"session_id": 0, "prompt": "stream", "stream": True, "timeout": 3600}).encode()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(b"POST /api/v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Authorization: Bearer " + KEY.encode() + b"\r\nContent-Type: application/json\r\n"
                         b"Accept: text/event-stream\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                self.error = head.split(b"\r\n", 1)[0].decode(errors="replace")
                self.first_data.set()
                return
            seen = b""
            while True:
                data = await reader.read(4096)
                if not data:
                    self.error = self.error or "stream closed"
                    self.first_data.set()
                    return
                if not self.first_data.is_set():
                    seen += data
                    if b"data:" in seen:
                        self.first_data.set()
        except (OSError, asyncio.IncompleteReadError) as e:
            self.error = f"{type(e).__name__}: {e}"
            self.first_data.set()
        except asyncio.CancelledError:
            raise


async def measure(router: subprocess.Popen, port: int, levels: list[int]) -> list[dict]:
    streams: list[Stream] = []
    results = []
    for level in levels:
        while len(streams) < level:
            s = Stream(port)
            s.task = asyncio.create_task(s.run())
            streams.append(s)
            if len(streams) % 50 == 0:
                await asyncio.sleep(0.05)  # let the accept queue drain
        if streams:
            await asyncio.wait_for(asyncio.gather(*(s.first_data.wait() for s in streams)), timeout=180)
        await asyncio.sleep(2.0)
        st = proc_status(router.pid)
        failed = [s.error for s in streams if s.error]
        results.append({"streams": level, "open": level - len(failed), "rss_mb": int(st["VmRSS"].split()[0]) / 1024,
                        "hwm_mb": int(st["VmHWM"].split()[0]) / 1024, "threads": int(st["Threads"]),
                        "failed": len(failed), "first_error": failed[0] if failed else None})
        r = results[-1]
        print(f"{r['streams']:>6} streams: RSS {r['rss_mb']:7.2f} MB (peak {r['hwm_mb']:.2f}), threads {r['threads']:3d}"
              f", open {r['open']}" + (f", failed {r['failed']} ({r['first_error']})" if failed else ""), flush=True)
    for s in streams:
        if s.task:
            s.task.cancel()
    await asyncio.gather(*(s.task for s in streams if s.task), return_exceptions=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="0,100,1000")
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between tokens per stream")
    parser.add_argument("--bin", default=None, help="router binary (default: release build)")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))  # inherited by miner and router

    binary = Path(args.bin) if args.bin else release_binary()
    tmp = Path(tempfile.mkdtemp(prefix="ce-bench-streams."))
    miner_port, router_port = free_port(), free_port()
    miner = subprocess.Popen([sys.executable, str(ROOT / "Tests/acceptance/fake_miner.py"), "--port", str(miner_port),
                              "--pace", str(args.pace), "--repeat", "100000"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(tmp / "miner.log", "wb"))
    router = None
    try:
        wait_http_200(miner_port, "/v1/models", 30, miner)
        cfg = tmp / "router.toml"
        cfg.write_text(f"""
[server]
host = "127.0.0.1"
port = {router_port}
connection_limit = 8192
per_ip_connection_limit = 0
idle_timeout_seconds = 3600
request_deadline_seconds = 3600

[state]
directory = "{tmp / 'state'}"

[auth]
dev_mode = true
rate_limit_per_minute = 0
rate_limit_burst = 1000000

[log]
level = "warning"

[pool]
first_token_timeout_seconds = 120
probe_interval_seconds = 60

[[miners]]
id = "slow"
url = "http://127.0.0.1:{miner_port}"
models = ["fake-model"]
""")
        (tmp / "state").mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
        router = subprocess.Popen([str(binary), "serve", "--config", str(cfg), "--port", str(router_port), "--dev"],
                                  env=env, stdin=subprocess.DEVNULL, stdout=open(tmp / "router.log", "wb"),
                                  stderr=subprocess.STDOUT)
        wait_http_200(router_port, "/readyz", 30, router)
        print(f"router pid {router.pid}, binary {binary}, miner pace {args.pace}s/token; logs in {tmp}")
        results = asyncio.run(measure(router, router_port, levels))
        base, top = results[0], results[-1]
        print(f"summary: RSS {top['rss_mb']:.2f} MB at {top['streams']} streams (goal <= 64 MB); threads "
              f"{base['threads']} -> {top['threads']} (goal: independent of stream count)")
        print("json: " + json.dumps(results))
    finally:
        if router is not None and router.poll() is None:
            router.send_signal(signal.SIGTERM)
            try:
                print(f"router exit code after SIGTERM: {router.wait(timeout=60)}")
            except subprocess.TimeoutExpired:
                router.kill()
                print("router did not exit within 60 s of SIGTERM; killed")
        miner.terminate()
        miner.wait(timeout=30)


if __name__ == "__main__":
    main()
