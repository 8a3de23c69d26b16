"""Bounded disk (issue 14): under a steady stream of block writes the write-ahead log stays small and
`[ipfs] quota_bytes` bounds the database's whole footprint (database + WAL + shared-memory index); status and
metrics report the sizes; `/readyz` says not ready while the state directory's disk is full, and ready again once
space is freed (a real tmpfs, mounted when the suite runs as root)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from conftest import DEV_KEY, Router, RouterFactory, parse_metrics

MB = 1 << 20
UNLIMITED = {"CORTENSOR_EDGE_AUTH_RATE_LIMIT_PER_MINUTE": "0"}  # writes as fast as the router takes them


def footprint(state: Path) -> dict[str, int]:
    """Sizes of edge.sqlite3 and its -wal and -shm files (0 when absent)."""
    sizes = {}
    for suffix in ("", "-wal", "-shm"):
        path = state / f"edge.sqlite3{suffix}"
        sizes[suffix or "db"] = path.stat().st_size if path.exists() else 0
    return sizes


def block_put(session: requests.Session, router: Router, data: bytes) -> requests.Response:
    return session.post(router.url("/api/v0/block/put"), files=[("data", ("b", data))],
                        headers={"Authorization": f"Bearer {DEV_KEY}"}, timeout=60)


def test_wal_and_footprint_stay_bounded_under_200_mb_of_block_writes(router_factory: RouterFactory) -> None:
    """10 MiB quota, 1,000 distinct 200 KB blocks (200 MB) from 4 writers at once (at most 240 s); before the fix
    the WAL reached 423 MB. Bounds: database + WAL + SHM at most the quota + 4 MiB (concurrent puts land before
    the garbage collection that follows them) at every sample (every 25 puts per writer) and at the end, the WAL
    alone at most 6 MiB, and the block data within the quota. (Measured: 10.5 MB and 2.2 MB.)"""
    quota = 10 * MB
    router = router_factory(env={"CORTENSOR_EDGE_IPFS_QUOTA_BYTES": str(quota), **UNLIMITED})
    writers, puts_per_writer, block_size = 4, 250, 200_000
    peaks = {"total": 0, "wal": 0}
    errors: list[str] = []
    lock = threading.Lock()

    def sample() -> None:
        sizes = footprint(router.state_dir)
        with lock:
            peaks["total"] = max(peaks["total"], sum(sizes.values()))
            peaks["wal"] = max(peaks["wal"], sizes["-wal"])

    def write(worker: int) -> None:
        with requests.Session() as session:
            for i in range(puts_per_writer):
                data = os.urandom(block_size - 16) + worker.to_bytes(8, "big") + i.to_bytes(8, "big")
                response = block_put(session, router, data)
                if response.status_code != 200:
                    errors.append(f"writer {worker} put {i}: {response.status_code} {response.text[:200]}")
                    return
                if i % 25 == 0:
                    sample()

    started = time.monotonic()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads), "writers did not finish within 240 s"
    assert not errors, errors[:3]
    sample()
    elapsed = time.monotonic() - started
    end = footprint(router.state_dir)
    print(f"200 MB in {elapsed:.1f} s; end {end}; peaks {peaks}")
    assert peaks["wal"] <= 6 * MB, f"WAL peaked at {peaks['wal']} bytes (end sizes {end})"
    assert peaks["total"] <= quota + 4 * MB, f"database + WAL + SHM peaked at {peaks['total']} bytes (end sizes {end})"

    status = router.get("/api/v1/status").json()["storage"]
    metrics = parse_metrics(router.get("/metrics").text)
    now = footprint(router.state_dir)
    # The router reports the files' sizes; a checkpoint may run between its stat and ours, so compare loosely.
    assert abs(status["database_bytes"] - now["db"]) <= 2 * MB and abs(status["wal_bytes"] - now["-wal"]) <= 4 * MB
    assert metrics["cortensor_edge_database_bytes"] > 0 and "cortensor_edge_wal_bytes" in metrics
    assert status["disk_full"] is False and status["free_bytes"] > 0
    assert status["wal_limit_bytes"] == quota // 8  # the quota's share for the WAL (16 MiB without a quota)
    stats = subprocess.run([str(router.binary), "ipfs", "stats"], env=router.env, capture_output=True, text=True,
                           timeout=30)
    assert stats.returncode == 0, stats.stderr
    stored = int(next(line.split()[1] for line in stats.stdout.splitlines() if line.startswith("bytes ")))
    assert stored <= quota, f"block data {stored} bytes over the {quota}-byte quota"


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB tmpfs: a disk that can really fill up. Needs root (CI runs as root); skipped otherwise."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)],
                            capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=30)


def fill(path: Path, leave_free: int) -> None:
    """Writes `path` until its filesystem has about `leave_free` bytes free (0: until it is full)."""
    chunk = b"\0" * MB
    with open(path, "wb", buffering=0) as f:  # unbuffered: nothing left to fail at close
        for _ in range(1024):  # at most 1 GiB; the tmpfs holds 64 MB
            stat = os.statvfs(path)
            free = stat.f_bavail * stat.f_frsize
            if free <= leave_free:
                break
            try:
                f.write(chunk[: max(4096, min(len(chunk), free - leave_free))])
            except OSError:  # ENOSPC: full
                break


def wait_ready(router: Router, expected: int, seconds: float = 10) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = requests.get(router.url("/readyz"), timeout=5)
        if response.status_code == expected or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def test_readyz_not_ready_while_the_disk_is_full(tiny_filesystem: Path, router_factory: RouterFactory) -> None:
    """The state directory on a 64 MB tmpfs with `min_free_bytes` = 8 MB: filled to 4 MB free, `/readyz` is 503
    naming the disk; freed, 200 again. Then `min_free_bytes` = 0 and the disk filled completely: a block write
    fails (SQLITE_FULL), `/readyz` is 503 naming the failed write, and 200 once the filler is deleted. Each wait
    is bounded at 10 s."""
    state = tiny_filesystem / "state"
    filler = tiny_filesystem / "filler"
    router = router_factory(state_dir=state, env={"CORTENSOR_EDGE_STATE_MIN_FREE_BYTES": str(8 * MB)})
    assert requests.get(router.url("/readyz"), timeout=5).status_code == 200
    fill(filler, leave_free=4 * MB)
    response = wait_ready(router, 503)
    assert response.status_code == 503 and "min_free_bytes" in response.json()["reason"], response.text
    assert router.get("/api/v1/status").json()["storage"]["disk_full"] is True
    assert parse_metrics(router.get("/metrics").text)["cortensor_edge_disk_full"] == 1
    filler.unlink()
    assert wait_ready(router, 200).status_code == 200
    router.stop()

    router = router_factory(state_dir=state, env={"CORTENSOR_EDGE_STATE_MIN_FREE_BYTES": "0"})
    fill(filler, leave_free=0)
    with requests.Session() as session:
        failed = None
        for i in range(50):  # at most 50 x 200 KB: the disk is already full, the first or second put fails
            response = block_put(session, router, os.urandom(200_000))
            if response.status_code != 200:
                failed = response
                break
    assert failed is not None and failed.status_code >= 500, "a write to a full disk did not fail"
    response = wait_ready(router, 503)
    assert response.status_code == 503 and "SQLITE_FULL" in response.json()["reason"], response.text
    filler.unlink()
    assert wait_ready(router, 200).status_code == 200
