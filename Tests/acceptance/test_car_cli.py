"""`cortensor-edge car import|export` against a CAR v1 reader and writer built in Python from PyPI's dag-cbor
and multiformats: our CARs read there, theirs read here, and lying or broken CARs refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import dag_cbor
from multiformats import CID, varint

from test_ipfs_cli import added, cli, random_file


def read_car(data: bytes) -> tuple[list[CID], list[tuple[CID, bytes]]]:
    """A CAR v1 reader (CIDv0 and CIDv1 sections): header, then sections, every block checked against its
    CID's sha2-256 digest."""
    stream = io.BytesIO(data)
    header = dag_cbor.decode(stream.read(varint.decode(stream)))
    assert header["version"] == 1
    sections = []
    while stream.tell() < len(data):
        section = stream.read(varint.decode(stream))
        if section[:2] == b"\x12\x20":  # a CIDv0: the bare 34-byte sha2-256 multihash
            cid_length = 34
        else:
            prefix = io.BytesIO(section)
            for _ in range(3):  # CIDv1: version, codec, hash function
                varint.decode(prefix)
            prefix.read(varint.decode(prefix))  # the digest
            cid_length = prefix.tell()
        cid = CID.decode(section[:cid_length])
        block = section[cid_length:]
        assert hashlib.sha256(block).digest() == cid.raw_digest, cid
        sections.append((cid, block))
    return header["roots"], sections


def write_car(roots: list[CID], sections: list[tuple[CID, bytes]]) -> bytes:
    header = dag_cbor.encode({"roots": roots, "version": 1})
    out = varint.encode(len(header)) + header
    for cid, block in sections:
        out += varint.encode(len(bytes(cid)) + len(block)) + bytes(cid) + block
    return out


def export(edge_bin: Path, state: Path, cid: str) -> bytes:
    result = cli(edge_bin, state, "car", "export", cid)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_our_car_reads_in_python_and_theirs_reads_here(edge_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "file"
    data = random_file(path, 1_200_000, 11)
    [root] = added(cli(edge_bin, tmp_path / "a", "ipfs", "add", str(path)))
    roots, sections = read_car(export(edge_bin, tmp_path / "a", root))
    assert [r.encode("base32") for r in roots] == [root]
    assert sections[0][0].encode("base32") == root, "depth-first: the root comes first"
    assert len({bytes(c) for c, _ in sections}) == len(sections) == 6  # root + 5 leaves, no duplicates
    # Python writes the same blocks in another order; a fresh store imports them, pins the root and serves it.
    theirs = tmp_path / "theirs.car"
    theirs.write_bytes(write_car(roots, list(reversed(sections))))
    imported = cli(edge_bin, tmp_path / "b", "car", "import", str(theirs))
    assert imported.returncode == 0, imported.stderr.decode()
    total = sum(len(block) for _, block in sections)
    assert imported.stdout.decode().splitlines() == [f"imported 6 blocks ({total} bytes) from {theirs}",
                                                    f"pinned {root}"]
    assert cli(edge_bin, tmp_path / "b", "ipfs", "cat", root).stdout == data
    assert export(edge_bin, tmp_path / "b", root) == export(edge_bin, tmp_path / "a", root)
    # And from standard input.
    assert cli(edge_bin, tmp_path / "c", "car", "import", "-", stdin=theirs.read_bytes()).returncode == 0


def test_lying_and_broken_cars_are_refused(edge_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "file"
    random_file(path, 600_000, 12)
    [root] = added(cli(edge_bin, tmp_path / "a", "ipfs", "add", str(path)))
    car = export(edge_bin, tmp_path / "a", root)
    roots, sections = read_car(car)
    cid, block = sections[2]
    lying = tmp_path / "lying.car"
    lying.write_bytes(write_car(roots, sections[:2] + [(cid, bytes([block[0] ^ 1]) + block[1:])] + sections[3:]))
    result = cli(edge_bin, tmp_path / "b", "car", "import", str(lying))
    assert result.returncode == 1 and b"does not match" in result.stderr
    stats = dict(line.split() for line in cli(edge_bin, tmp_path / "b", "ipfs", "stats").stdout.decode().splitlines())
    assert stats["pins"] == "0" and int(stats["blocks"]) == 2, "blocks before the lie are kept (verified); no pin"
    for name, broken in [("truncated", car[:-10]), ("empty", b""), ("garbage", b"\x05hello"),
                         ("huge section", car[:car.index(bytes(sections[0][0])) - 3] + varint.encode(1 << 40))]:
        target = tmp_path / f"{name}.car"
        target.write_bytes(broken)
        result = cli(edge_bin, tmp_path / "c", "car", "import", str(target))
        assert result.returncode == 1 and result.stderr.startswith(b"cortensor-edge: "), (name, result.stderr)
    assert cli(edge_bin, tmp_path / "c", "car", "export", "not-a-cid").returncode == 2
    missing = cli(edge_bin, tmp_path / "c", "car", "export", root)
    assert missing.returncode == 1 and b"not available" in missing.stderr
