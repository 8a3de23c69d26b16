"""`cortensor-edge car import|export` against a CAR v1 reader and writer built in Python from PyPI's dag-cbor
and multiformats: our CARs read there, theirs read here, and lying or broken CARs refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import dag_cbor
from multiformats import CID, multihash, varint

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


def dfs(root: CID, blocks: dict[bytes, tuple[CID, bytes]]) -> list[CID]:
    """Depth-first, each block once, a dag-cbor block's links in document order as PyPI's dag-cbor decodes them."""
    def links(value: object) -> list[CID]:
        if isinstance(value, CID):
            return [value]
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        return [link for item in items for link in links(item)]
    order, seen, stack = [], set(), [root]
    while stack:
        cid = stack.pop()
        if bytes(cid) in seen:
            continue
        seen.add(bytes(cid))
        order.append(cid)
        if cid.codec.name == "dag-cbor":
            stack += reversed(links(dag_cbor.decode(blocks[bytes(cid)][1])))
    return order


def test_dag_cbor_dags_are_pinned_whole_and_exported_depth_first(edge_bin: Path, tmp_path: Path) -> None:
    """A DAG of dag-cbor nodes (links nested in maps and lists, repeated, at several depths) written by PyPI's
    dag-cbor: `car import` pins it recursively, `ipfs gc` keeps every block, `car export` lists them depth-first."""
    def block(codec: str, data: bytes) -> tuple[CID, bytes]:
        return CID("base32", 1, codec, multihash.digest(data, "sha2-256")), data
    leaves = [block("raw", f"leaf {i}".encode()) for i in range(4)]
    middle = block("dag-cbor", dag_cbor.encode({"list": [leaves[0][0], {"deep": [1, leaves[1][0]]}], "n": -3}))
    inner = block("dag-cbor", dag_cbor.encode({"x": {"y": {"z": [leaves[3][0], middle[0]]}}}))
    root = block("dag-cbor", dag_cbor.encode(
        {"z": [leaves[2][0]], "again": leaves[0][0], "first": middle[0], "inner": inner[0], "f": 1.5, "b": b"\x00"}))
    sections = [*leaves, middle, inner, root]
    path = tmp_path / "dag.car"
    path.write_bytes(write_car([root[0]], sections))
    state = tmp_path / "state"
    imported = cli(edge_bin, state, "car", "import", str(path))
    assert imported.returncode == 0, imported.stderr.decode()
    gc = cli(edge_bin, state, "ipfs", "gc")
    assert gc.returncode == 0 and gc.stdout.decode().startswith("removed 0 blocks"), gc.stdout.decode()
    roots, exported = read_car(export(edge_bin, state, str(root[0])))
    expected = dfs(root[0], {bytes(cid): (cid, data) for cid, data in sections})
    assert len(expected) == len(sections)
    assert [bytes(cid) for cid, _ in exported] == [bytes(cid) for cid in expected]
    assert [bytes(r) for r in roots] == [bytes(root[0])]
