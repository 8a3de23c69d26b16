#!/usr/bin/env python3
"""Retention soak (issue 24): completions at full load for `--minutes` (default 10) through the router with
`[state] max_bytes` (default 32 MiB) to a fast upstream (the asyncio miner of the acceptance suite), driven by wrk
with `--connections` keep-alive connections. Every minute: the state directory's largest size in that minute
(sampled each second), the router's RSS at the minute's end, and the completions answered in it (the newest task
id moves by one per completion). Goals: state <= max_bytes at every minute, RSS after minute 5 within +2 MB of
minute 5, req/s of the last minute >= 0.9x the first.

Usage: .venv/bin/python Benchmarks/retention_soak.py [--bin PATH] [--minutes N] [--max-bytes BYTES]
       [--connections N]
Not run by `make test`. Needs wrk (Debian package) and `requests` (the acceptance venv has it).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "acceptance"))
sys.path.insert(0, str(ROOT / "Benchmarks"))
from streams import free_port  # noqa: E402
from fast_miner import FastMiner  # noqa: E402

KEY = "default-dev-token"
MB = 1 << 20
LUA = """
counter = 0
request = function()
  counter = counter + 1
  local body = '{"session_id":0,"max_tokens":8,"stream":false,"prompt":"soak ' .. math.random(1000000000)
    .. ' ' .. counter .. '"}'
  return wrk.format("POST", "/api/v1/completions",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}, body)
end
""" % KEY



def state_bytes(state: Path) -> int:
    return sum(p.stat().st_size for p in state.rglob("*") if p.is_file())


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def newest_task(base: str) -> int:
    tasks = requests.get(f"{base}/api/v1/tasks/0?limit=1", headers={"Authorization": f"Bearer {KEY}"},
                         timeout=10).json()["tasks"]
    return tasks[0]["task_id"] if tasks else -1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / ".build/release/cortensor-edge"))
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--max-bytes", type=int, default=32 * MB)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    miner = FastMiner()
    tmp = Path(tempfile.mkdtemp(prefix="retention-soak-"))
    state, port = tmp / "state", free_port()
    config = tmp / "router.toml"
    config.write_text(f'[server]\nhost = "127.0.0.1"\nport = {port}\n[state]\ndirectory = "{state}"\n'
                      f'max_bytes = {args.max_bytes}\n[auth]\ndev_mode = true\nrate_limit_per_minute = 0\n'
                      f'[log]\nlevel = "warning"\n[[miners]]\nid = "m1"\nurl = "{miner.url}"\n'
                      f'models = ["{miner.model}"]\n')
    (tmp / "soak.lua").write_text(LUA)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    router = subprocess.Popen([args.bin, "serve", "--config", str(config), "--dev"], env=env,
                              stdout=subprocess.DEVNULL, stderr=open(tmp / "router.log", "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(f"{base}/readyz", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    seconds = args.minutes * 60
    wrk = subprocess.Popen(["wrk", "-t2", f"-c{args.connections}", f"-d{seconds + 5}s", "-s", str(tmp / "soak.lua"),
                            base], stdout=open(tmp / "wrk.txt", "w"), stderr=subprocess.STDOUT)
    rows = []
    last_task, started = newest_task(base), time.monotonic()
    print(f"max_bytes {args.max_bytes} ({args.max_bytes / MB:.0f} MiB), {args.connections} connections, "
          f"{args.minutes} min\nminute  state_max_MiB  rss_MiB  req/s   tasks_kept")
    for minute in range(1, args.minutes + 1):
        peak = 0
        while time.monotonic() < started + minute * 60:
            peak = max(peak, state_bytes(state))
            time.sleep(1)
        task = newest_task(base)
        status = requests.get(f"{base}/api/v1/status", headers={"Authorization": f"Bearer {KEY}"}, timeout=10).json()
        rate = (task - last_task) / 60
        last_task = task
        rows.append((minute, peak, rss_kib(router.pid), rate))
        print(f"{minute:>6}  {peak / MB:>13.2f}  {rows[-1][2] / 1024:>7.1f}  {rate:>6.0f}  "
              f"{status['footprint']['tasks']:>10}", flush=True)
    wrk.wait()
    router.send_signal(signal.SIGTERM)
    router.wait(30)
    miner.close()
    non200 = [line for line in (tmp / "wrk.txt").read_text().splitlines() if "Non-2xx" in line or "errors" in line]
    print("wrk:", "; ".join(non200) or "every response 2xx")
    warm = rows[min(4, len(rows) - 1)][2]
    goals = {
        "state <= max_bytes every minute": all(r[1] <= args.max_bytes for r in rows),
        "RSS within +2 MB of minute 5": all(r[2] - warm <= 2048 for r in rows[4:]),
        "last minute req/s >= 0.9x first": rows[-1][3] >= 0.9 * rows[0][3],
    }
    for name, ok in goals.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
