#!/usr/bin/env python3
"""Sustained block writes against a block quota, and the size of the database's files (issue 14, bounded disk):
the router with `[ipfs] quota_bytes` (default 100 MiB) takes `--total` bytes (default 1 GiB) of distinct random
blocks through `POST /api/v0/block/put` from `--writers` keep-alive connections at once, as fast as it accepts
them. Reported: the WAL (`edge.sqlite3-wal`) and database + WAL + SHM, at their largest (sampled every
`--sample` seconds) and at the end, with the write rate and the puts' latency (a RESTART checkpoint holds writers
briefly: it shows in the tail). Goal: WAL <= 64 MB at the end.

Usage: .venv/bin/python Benchmarks/wal.py [--bin PATH] [--quota BYTES] [--total BYTES] [--block BYTES]
       [--writers N]
Not run by `make test`. Needs `requests` (the acceptance venv has it).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Benchmarks"))
from streams import free_port  # noqa: E402
KEY = "default-dev-token"
MB = 1 << 20



def sizes(state: Path) -> dict[str, int]:
    out = {}
    for suffix in ("", "-wal", "-shm"):
        path = state / f"edge.sqlite3{suffix}"
        out[suffix or "db"] = path.stat().st_size if path.exists() else 0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_bin = ROOT / ".build" / "release" / "cortensor-edge"
    if not default_bin.exists():
        default_bin = ROOT / ".build" / "debug" / "cortensor-edge"
    parser.add_argument("--bin", type=Path, default=default_bin)
    parser.add_argument("--quota", type=int, default=100 * MB)
    parser.add_argument("--total", type=int, default=1 << 30)
    parser.add_argument("--block", type=int, default=256 * 1024)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--sample", type=float, default=0.2)
    args = parser.parse_args()

    state = Path(tempfile.mkdtemp(prefix="edge-wal-bench-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    env.update({"CORTENSOR_EDGE_STATE_DIRECTORY": str(state), "CORTENSOR_EDGE_IPFS_QUOTA_BYTES": str(args.quota),
                "CORTENSOR_EDGE_AUTH_RATE_LIMIT_PER_MINUTE": "0", "CORTENSOR_EDGE_SERVER_MAX_BODY_BYTES": str(8 * MB)})
    log = open(state / "router.log", "wb")
    proc = subprocess.Popen([str(args.bin), "serve", "--dev", "--port", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url + "/readyz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            sys.exit("wal: router did not become ready")
        time.sleep(0.05)

    blocks = args.total // args.block
    per_writer = blocks // args.writers
    peaks = {"wal": 0, "total": 0}
    done = threading.Event()
    failures: list[str] = []
    latencies: list[float] = []

    def sampler() -> None:
        while not done.is_set():
            now = sizes(state)
            peaks["wal"] = max(peaks["wal"], now["-wal"])
            peaks["total"] = max(peaks["total"], sum(now.values()))
            time.sleep(args.sample)

    def writer(index: int) -> None:
        with requests.Session() as session:
            for i in range(per_writer):
                data = os.urandom(args.block - 16) + index.to_bytes(8, "big") + i.to_bytes(8, "big")
                began = time.monotonic()
                r = session.post(url + "/api/v0/block/put", files=[("data", ("b", data))],
                                 headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
                latencies.append(time.monotonic() - began)
                if r.status_code != 200:
                    failures.append(f"{r.status_code} {r.text[:200]}")
                    return

    sampling = threading.Thread(target=sampler)
    sampling.start()
    started = time.monotonic()
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(args.writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    done.set()
    sampling.join()
    end = sizes(state)
    peaks["wal"] = max(peaks["wal"], end["-wal"])
    peaks["total"] = max(peaks["total"], sum(end.values()))
    written = per_writer * args.writers * args.block
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    print(f"binary {args.bin}")
    print(f"quota {args.quota / MB:.0f} MiB, {written / MB:.0f} MiB written in {args.block // 1024} KiB blocks by "
          f"{args.writers} writers in {elapsed:.1f} s ({written / MB / elapsed:.1f} MiB/s)")
    print(f"WAL end {end['-wal'] / MB:.1f} MiB, peak {peaks['wal'] / MB:.1f} MiB")
    print(f"database end {end['db'] / MB:.1f} MiB; database + WAL + SHM end {sum(end.values()) / MB:.1f} MiB, "
          f"peak {peaks['total'] / MB:.1f} MiB")
    latencies.sort()
    if latencies:
        def at(q: float) -> float:
            return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
        print(f"put latency p50 {at(0.5):.1f} ms, p99 {at(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    if failures:
        print(f"failed writes: {len(failures)}, first: {failures[0]}")
    subprocess.run(["rm", "-rf", str(state)], check=False)


if __name__ == "__main__":
    main()
