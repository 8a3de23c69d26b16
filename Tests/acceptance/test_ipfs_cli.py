"""`cortensor-edge ipfs …`: UnixFS import checked against Debian's ipfs-cid and PyPI's multiformats, cat/get
round trips and ranges, pins and garbage collection, bad input, and a SIGKILL in the middle of many imports."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest
from multiformats import CID, multihash

IPFS_CID = "/usr/bin/ipfs_cid"


def cli(edge_bin: Path, state: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    env["CORTENSOR_EDGE_STATE_DIRECTORY"] = str(state)
    return subprocess.run([str(edge_bin), *args], env=env, input=stdin, capture_output=True, timeout=300)


def added(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    assert result.returncode == 0, result.stderr.decode()
    return [line.split()[1] for line in result.stdout.decode().splitlines() if line.startswith("added ")]


def random_file(path: Path, size: int, seed: int) -> bytes:
    data = hashlib.shake_256(seed.to_bytes(8, "big")).digest(size) if size else b""
    path.write_bytes(data)
    return data


SIZES = [0, 1, 11, 262_143, 262_144, 262_145, 1_000_000, 174 * 262_144 + 5]


@pytest.mark.parametrize("size", SIZES)
def test_legacy_profile_matches_ipfs_cid(edge_bin: Path, tmp_path: Path, size: int) -> None:
    path = tmp_path / "file"
    random_file(path, size, size)
    [ours] = added(cli(edge_bin, tmp_path / "state", "ipfs", "add", "--profile", "legacy", str(path)))
    reference = json.loads(subprocess.run([IPFS_CID, str(path)], capture_output=True, check=True).stdout)
    assert ours == reference["CIDv0"]


@pytest.mark.parametrize("size", [0, 11, 262_144])
def test_single_chunk_v1_is_the_raw_block(edge_bin: Path, tmp_path: Path, size: int) -> None:
    """With raw leaves a one-chunk file is one raw block: its CID is the multiformats CID of the bytes."""
    path = tmp_path / "file"
    data = random_file(path, size, 99)
    [ours] = added(cli(edge_bin, tmp_path / "state", "ipfs", "add", str(path)))
    assert ours == str(CID("base32", 1, "raw", multihash.digest(data, "sha2-256")))
    parsed = CID.decode(ours)
    assert parsed.version == 1 and parsed.codec.name == "raw" and parsed.hashfun.name == "sha2-256"


def test_multi_chunk_v1_root_is_dag_pb(edge_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "file"
    random_file(path, 3 * 1_048_576 + 1, 7)  # several chunks in both profiles
    [v1] = added(cli(edge_bin, tmp_path / "state", "ipfs", "add", str(path)))
    parsed = CID.decode(v1)
    assert parsed.codec.name == "dag-pb" and parsed.hashfun.name == "sha2-256"
    [profile_2025] = added(cli(edge_bin, tmp_path / "state", "ipfs", "add", "--profile", "unixfs-v1-2025", str(path)))
    assert profile_2025 != v1 and CID.decode(profile_2025).codec.name == "dag-pb"


def test_cat_get_and_ranges_round_trip(edge_bin: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    path = tmp_path / "file"
    data = random_file(path, 1_500_000, 3)
    [root] = added(cli(edge_bin, state, "ipfs", "add", str(path)))
    assert cli(edge_bin, state, "ipfs", "cat", root).stdout == data
    for offset, length in [(0, 1), (262_143, 2), (1_000_000, 600_000), (1_499_999, 10), (2_000_000, 5)]:
        out = cli(edge_bin, state, "ipfs", "cat", "--offset", str(offset), "--length", str(length), root)
        assert out.returncode == 0 and out.stdout == data[offset:offset + length], (offset, length)
    target = tmp_path / "copy"
    assert cli(edge_bin, state, "ipfs", "get", "--output", str(target), root).returncode == 0
    assert target.read_bytes() == data
    [from_stdin] = added(cli(edge_bin, state, "ipfs", "add", "-", stdin=data))
    assert from_stdin == root


def test_pins_and_garbage_collection(edge_bin: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    kept, dropped = tmp_path / "kept", tmp_path / "dropped"
    kept_data = random_file(kept, 600_000, 1)
    random_file(dropped, 600_000, 2)
    [kept_cid] = added(cli(edge_bin, state, "ipfs", "add", str(kept)))
    [dropped_cid] = added(cli(edge_bin, state, "ipfs", "add", "--no-pin", str(dropped)))
    pins = cli(edge_bin, state, "ipfs", "pin", "ls").stdout.decode().split("\n")
    assert f"{kept_cid} recursive" in pins and not any(dropped_cid in p for p in pins)
    gc = cli(edge_bin, state, "ipfs", "gc")
    assert gc.returncode == 0 and gc.stdout.decode().startswith("removed 4 blocks")  # 3 leaves + the root
    assert cli(edge_bin, state, "ipfs", "cat", kept_cid).stdout == kept_data
    missing = cli(edge_bin, state, "ipfs", "cat", dropped_cid)
    assert missing.returncode == 1 and b"not available" in missing.stderr
    assert cli(edge_bin, state, "ipfs", "pin", "rm", kept_cid).returncode == 0
    assert cli(edge_bin, state, "ipfs", "pin", "rm", kept_cid).returncode == 1
    assert cli(edge_bin, state, "ipfs", "gc").stdout.decode().startswith("removed 4 blocks")
    stats = dict(line.split() for line in cli(edge_bin, state, "ipfs", "stats").stdout.decode().splitlines())
    assert stats == {"blocks": "0", "bytes": "0", "pins": "0", "quota": "1073741824"}


@pytest.mark.parametrize("args", [["ipfs", "cat", "QmNotACid"], ["ipfs", "cat", "zzzz"], ["ipfs", "cat", "bafy"],
                                  ["ipfs", "add"], ["ipfs", "add", "--profile", "nope", "x"],
                                  ["ipfs", "cat", "--length", "x", "bafkqaaa"]])
def test_bad_input_is_a_usage_error(edge_bin: Path, tmp_path: Path, args: list[str]) -> None:
    result = cli(edge_bin, tmp_path / "state", *args)
    assert result.returncode == 2 and result.stderr.startswith(b"cortensor-edge: "), result.stderr


def test_missing_file_fails_cleanly(edge_bin: Path, tmp_path: Path) -> None:
    result = cli(edge_bin, tmp_path / "state", "ipfs", "add", str(tmp_path / "nope"))
    assert result.returncode == 1 and b"cannot open" in result.stderr


def test_sigkill_during_imports_loses_no_acknowledged_block(edge_bin: Path, tmp_path: Path) -> None:
    """Many small files added in one process, killed with SIGKILL mid-way: every file whose `added` line was
    printed is whole after a restart, and the database passes `PRAGMA integrity_check`."""
    state = tmp_path / "state"
    files = []
    for index in range(400):
        path = tmp_path / f"f{index}"
        files.append((path, random_file(path, 20_000 + index * 37, index)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    env["CORTENSOR_EDGE_STATE_DIRECTORY"] = str(state)
    proc = subprocess.Popen([str(edge_bin), "ipfs", "add", *[str(p) for p, _ in files]], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    acknowledged: dict[str, str] = {}
    for line in proc.stdout:
        _, cid, name = line.decode().split()
        acknowledged[name] = cid
        if len(acknowledged) == 150:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "killed before it finished"
    assert len(acknowledged) == 150
    with sqlite3.connect(state / "edge.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    contents = dict((str(p), d) for p, d in files)
    for name, cid in acknowledged.items():
        result = cli(edge_bin, state, "ipfs", "cat", cid)
        assert result.returncode == 0 and result.stdout == contents[name], name
