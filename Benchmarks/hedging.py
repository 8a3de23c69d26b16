#!/usr/bin/env python3
"""Issue 16's scenario: five miners listed in this order — one that accepts and never answers, one answering 500,
one speaking garbage, one whose port is closed, one good — and a fresh router; prints the latency (p50, p99, max)
and the failures of its first 20 chat completions, with hedging on (the defaults) and off (today's behaviour
before issue 16: `hedge_budget_percent = 0`, `max_attempts = 3`), same binary, same run. Goal: with hedging,
p99 <= hedge delay (`hedge_max_delay_ms`, the delay before any first token was seen) + 0.5 s.

With --healthy N: instead, three good miners and N requests from 8 concurrent clients; prints the extra miner
requests hedging caused (goal: <= 2 %) and the hedges counted by the router.

Usage: python3 Benchmarks/hedging.py [--bin PATH] [--requests 20] [--rounds 1] [--healthy 2000]
Miners are Tests/acceptance/fake_miner.py servers in this process (a fresh set per router); every request is
bounded (60 s). Not part of `make test`: timings belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "acceptance"))
from streams import free_port, release_binary, wait_http_200  # noqa: E402
from fake_miner import FakeMiner  # noqa: E402

KEY = "default-dev-token"
HEDGE_MAX_DELAY_MS = 2000  # the default


def router_config(port: int, state: Path, miners: list[tuple[str, str]], hedging: bool) -> str:
    pool = {"first_token_timeout_seconds": 30, "probe_interval_seconds": 15}
    if hedging:
        pool |= {"hedge_max_delay_ms": HEDGE_MAX_DELAY_MS}
    else:
        pool |= {"hedge_budget_percent": 0, "max_attempts": 3}
    lines = [f"[server]\nhost = \"127.0.0.1\"\nport = {port}\nrequest_deadline_seconds = 120\n",
             f"[state]\ndirectory = {json.dumps(str(state))}\n", "[auth]\ndev_mode = true\n",
             "[fallback]\nmodel = \"none\"\n", "[pool]\n" + "".join(f"{k} = {v}\n" for k, v in pool.items())]
    for miner_id, url in miners:
        lines.append(f"[[miners]]\nid = \"{miner_id}\"\nurl = \"{url}\"\n")
    return "\n".join(lines)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def run(binary: Path, hedging: bool, count: int) -> tuple[list[float], list[str]]:
    fakes = [FakeMiner("hang"), FakeMiner("error500"), FakeMiner("garbage"), FakeMiner(pace=0.002)]
    urls = [fakes[0].url, fakes[1].url, fakes[2].url, f"http://127.0.0.1:{free_port()}", fakes[3].url]
    ids = ["m1-hang", "m2-500", "m3-garbage", "m4-closed", "m5-good"]
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        config = Path(tmp) / "router.toml"
        config.write_text(router_config(port, Path(tmp) / "state", list(zip(ids, urls)), hedging))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
        proc = subprocess.Popen([str(binary), "serve", "--config", str(config)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        latencies, failures = [], []
        try:
            wait_http_200(port, "/readyz", 30, proc)
            session = requests.Session()
            for i in range(count):
                body = {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}], "stream": i % 2 == 1}
                began = time.monotonic()
                try:
                    r = session.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=body, timeout=60,
                                     headers={"Authorization": f"Bearer {KEY}"})
                    r.content  # noqa: B018 - the whole answer, streamed or not
                    if r.status_code != 200:
                        failures.append(f"{r.status_code} {r.text[:120]}")
                except requests.RequestException as e:
                    failures.append(repr(e)[:120])
                latencies.append(time.monotonic() - began)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            for fake in fakes:
                fake.close()
    return latencies, failures


def healthy(binary: Path, total: int) -> None:
    """Three good miners, `total` requests from 8 clients: the extra miner requests hedging caused."""
    fakes = [FakeMiner(pace=0.002, backlog=64) for _ in range(3)]
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        config = Path(tmp) / "router.toml"
        text = router_config(port, Path(tmp) / "state", [(f"g{i}", f.url) for i, f in enumerate(fakes)], True)
        config.write_text(text.replace("dev_mode = true\n", "dev_mode = true\nrate_limit_per_minute = 0\n"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
        proc = subprocess.Popen([str(binary), "serve", "--config", str(config)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        failures: list[str] = []
        try:
            wait_http_200(port, "/readyz", 30, proc)

            def client(count: int) -> None:
                session = requests.Session()
                for i in range(count):
                    body = {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}],
                            "stream": i % 2 == 1, "cache": False}
                    try:
                        r = session.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=body, timeout=60,
                                         headers={"Authorization": f"Bearer {KEY}"})
                        if r.status_code != 200:
                            failures.append(str(r.status_code))
                    except requests.RequestException as e:
                        failures.append(repr(e)[:80])

            began = time.monotonic()
            threads = [threading.Thread(target=client, args=(total // 8,)) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=600)
            elapsed = time.monotonic() - began
            metrics = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10,
                                   headers={"Authorization": f"Bearer {KEY}"}).text
            hedges = next((line.split()[-1] for line in metrics.splitlines()
                           if line.startswith("cortensor_edge_upstream_hedges_total")), "?")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            served = sum(f.completion_count for f in fakes)
            for fake in fakes:
                fake.close()
    sent = total // 8 * 8
    print(f"healthy pool: {sent} requests in {elapsed:.1f} s ({sent / elapsed:.0f}/s), {len(failures)} failed; "
          f"miner requests {served} (+{served - sent}, {100 * (served - sent) / sent:.2f} %), hedges {hedges}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--healthy", type=int, default=0)
    args = parser.parse_args()
    binary = args.bin or release_binary()
    if args.healthy:
        healthy(binary, args.healthy)
        return
    print(f"binary {binary}; first {args.requests} requests of a fresh router; hedge delay before any sample "
          f"{HEDGE_MAX_DELAY_MS} ms; goal p99 <= {HEDGE_MAX_DELAY_MS / 1000 + 0.5:.1f} s with hedging")
    print(f"{'round':>5} {'hedging':>8} {'p50 s':>7} {'p99 s':>7} {'max s':>7} {'first s':>8} {'failed':>6}")
    for round_index in range(args.rounds):
        for hedging in (True, False):
            latencies, failures = run(binary, hedging, args.requests)
            print(f"{round_index + 1:>5} {'on' if hedging else 'off':>8} {percentile(latencies, 50):7.3f} "
                  f"{percentile(latencies, 99):7.3f} {max(latencies):7.3f} {latencies[0]:8.3f} {len(failures):>6}")
            for failure in failures[:3]:
                print(f"      failure: {failure}")


if __name__ == "__main__":
    main()
