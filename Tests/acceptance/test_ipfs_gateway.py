"""The trustless gateway (`/ipfs/{cid}`) against the IPFS gateway-conformance fixtures (Tests/Vectors,
`CORTENSOR_TESTDATA` overrides): the CARs are imported with `car import`, then the router serves them. The rules
follow the upstream expectations (trustless_gateway_raw/car tests): formats, headers, scopes, entity-bytes,
pathing, ranges and status codes."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from multiformats import CID, varint

from conftest import PACKAGE_ROOT, Router, RouterFactory
from test_car_cli import read_car as car_sections
from test_ipfs_cli import added, cli, random_file

TESTDATA = Path(os.environ.get("CORTENSOR_TESTDATA", PACKAGE_ROOT / "Tests" / "Vectors"))
FIXTURES = TESTDATA / "gateway-conformance" / "fixtures"
IMMUTABLE_MAX_AGE = 29030400


def pb_links(block: bytes) -> list[tuple[str, CID]]:
    """(name, CID) of each link of a dag-pb node (protobuf field 2: Hash=1, Name=2)."""
    def fields(data: bytes) -> Iterator[tuple[int, Any]]:
        stream = io.BytesIO(data)
        while stream.tell() < len(data):
            key = varint.decode(stream)
            if key & 7 == 2:
                yield key >> 3, stream.read(varint.decode(stream))
            else:
                yield key >> 3, varint.decode(stream)
    links = []
    for number, value in fields(block):
        if number == 2:
            parts = dict(fields(value))
            links.append((parts.get(2, b"").decode(), CID.decode(parts[1])))
    return links


class Fixture:
    """A conformance CAR: its root and blocks, with path lookups like the Go tooling's MustGetCid."""

    def __init__(self, path: Path) -> None:
        roots, sections = car_sections(path.read_bytes())
        self.path = path
        self.root = roots[0]
        self.blocks = {bytes(cid.digest): (cid, block) for cid, block in sections}
        self.order = [cid for cid, _ in sections]

    def block(self, cid: CID) -> bytes:
        return self.blocks[bytes(cid.digest)][1]

    def cid(self, *names: str) -> CID:
        current = self.root
        for name in names:
            current = dict(pb_links(self.block(current)))[name]
        return current

    def descendants(self, cid: CID) -> list[CID]:
        """Depth-first, each block's links in order (what MustGetDescendantsCids lists)."""
        out = []
        for _, child in pb_links(self.block(cid)) if cid.codec.name == "dag-pb" else []:
            out.append(child)
            if bytes(child.digest) in self.blocks:
                out += self.descendants(child)
        return out


# DAGs through dag-cbor and dag-json nodes; each fixture lists its blocks depth-first, links in document order.
IPLD_NAMES = ["path_gateway_dag/dag-cbor-traversal.car", "path_gateway_dag/dag-json-traversal.car",
              "trustless_gateway_car/dir-with-dag-cbor-with-links.car"]
NAMES = ["gateway-raw-block.car", "trustless_gateway_car/subdir-with-mixed-block-files.car",
         "trustless_gateway_car/file-3k-and-3-blocks-missing-block.car",
         "trustless_gateway_car/dir-with-duplicate-files.car", *IPLD_NAMES]


@pytest.fixture(scope="module")
def fixtures() -> dict[str, Fixture]:
    return {name: Fixture(FIXTURES / name) for name in NAMES}


@pytest.fixture
def gateway(edge_bin: Path, router_factory: RouterFactory, tmp_path: Path, fixtures: dict[str, Fixture]) -> Router:
    state = tmp_path / "gateway-state"
    for name, fixture in fixtures.items():
        result = cli(edge_bin, state, "car", "import", str(fixture.path))
        # The missing-block fixture imports whole except its missing block, so pinning its root fails.
        assert result.returncode == (1 if "missing-block" in name else 0), result.stderr.decode()
    return router_factory(state_dir=state)


def add_to(router: Router, edge_bin: Path, path: Path) -> str:
    """`ipfs add` into a running router's state directory (the CLI and the server share the database)."""
    [cid] = added(cli(edge_bin, router.state_dir, "ipfs", "add", str(path)))
    return cid


def get(router: Router, path: str, **kw: Any) -> requests.Response:
    return requests.get(router.url(path), timeout=30, **kw)


def cids(response: requests.Response) -> list[str]:
    return [str(cid.set(base="base32").set(version=1)) if cid.version == 1 else str(cid)
            for cid, _ in car_sections(response.content)[1]]


def v1(cid: CID) -> str:
    return str(cid) if cid.version == 0 else cid.encode("base32")


def test_raw_block_by_format_and_accept(gateway: Router, fixtures: dict[str, Fixture]) -> None:
    fixture = fixtures["gateway-raw-block.car"]
    directory = fixture.cid("dir")
    for kw in ({"params": {"format": "raw"}}, {"headers": {"Accept": "application/vnd.ipld.raw"}}):
        response = get(gateway, f"/ipfs/{directory}", **kw)
        assert response.status_code == 200 and response.content == fixture.block(directory)
    ascii_cid = fixture.cid("dir", "ascii.txt")
    response = get(gateway, f"/ipfs/{ascii_cid}", headers={"Accept": "application/vnd.ipld.raw"})
    headers = response.headers
    assert headers["Content-Type"] == "application/vnd.ipld.raw"
    assert headers["Content-Length"] == str(len(fixture.block(ascii_cid)))
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Etag"] and headers["X-Ipfs-Path"] == f"/ipfs/{ascii_cid}"
    assert v1(ascii_cid) in headers["X-Ipfs-Roots"]
    directives = {d.split("=")[0]: (d.split("=") + [""])[1] for d in headers["Cache-Control"].replace(" ", "").split(",")}
    assert "public" in directives and "immutable" in directives and int(directives["max-age"]) >= IMMUTABLE_MAX_AGE
    named = get(gateway, f"/ipfs/{ascii_cid}?filename=foobar.bin", headers={"Accept": "application/vnd.ipld.raw"})
    assert 'filename="foobar.bin' in named.headers["Content-Disposition"]
    cached = get(gateway, f"/ipfs/{ascii_cid}", headers={"Accept": "application/vnd.ipld.raw",
                                                        "If-None-Match": headers["Etag"]})
    assert cached.status_code == 304 and cached.content == b""


def test_raw_ranges(gateway: Router, fixtures: dict[str, Fixture]) -> None:
    fixture = fixtures["gateway-raw-block.car"]
    cid = fixture.cid("dir", "ascii.txt")
    block = fixture.block(cid)
    response = get(gateway, f"/ipfs/{cid}", headers={"Accept": "application/vnd.ipld.raw", "Range": "bytes=6-16"})
    assert response.status_code == 206 and response.content == block[6:17]
    assert response.headers["Content-Range"] == f"bytes 6-16/{len(block)}"
    tail = get(gateway, f"/ipfs/{cid}", headers={"Accept": "application/vnd.ipld.raw", "Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.content == block[-5:]
    bad = get(gateway, f"/ipfs/{cid}", headers={"Accept": "application/vnd.ipld.raw", "Range": f"bytes={len(block)}-"})
    assert bad.status_code == 416 and bad.headers["Content-Range"] == f"bytes */{len(block)}"


def test_car_all_and_format_precedence(gateway: Router, fixtures: dict[str, Fixture]) -> None:
    fixture = fixtures["trustless_gateway_car/subdir-with-mixed-block-files.car"]
    root = fixture.root
    response = get(gateway, f"/ipfs/{root}?format=car")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.ipld.car; version=1; order=dfs; dups=n"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    roots, sections = car_sections(response.content)
    assert [v1(r) for r in roots] == [v1(root)]
    assert [v1(c) for c, _ in sections] == [v1(c) for c in [root] + fixture.descendants(root)]
    raw_wins = get(gateway, f"/ipfs/{root}?format=raw", headers={"Accept": "application/vnd.ipld.car"})
    assert raw_wins.headers["Content-Type"] == "application/vnd.ipld.raw"
    car_by_accept = get(gateway, f"/ipfs/{root}", headers={"Accept": "application/vnd.ipld.car; version=1; order=dfs"})
    assert car_by_accept.status_code == 200 and car_by_accept.content == response.content


def test_dag_scopes_and_pathing(gateway: Router, fixtures: dict[str, Fixture]) -> None:
    fixture = fixtures["trustless_gateway_car/subdir-with-mixed-block-files.car"]
    root, subdir, multiblock = fixture.root, fixture.cid("subdir"), fixture.cid("subdir", "multiblock.txt")
    block = get(gateway, f"/ipfs/{root}/subdir/multiblock.txt?format=car&dag-scope=block")
    assert [v1(c) for c, _ in car_sections(block.content)[1]] == [v1(c) for c in (root, subdir, multiblock)]
    entity = get(gateway, f"/ipfs/{root}/subdir/multiblock.txt?format=car&dag-scope=entity&entity-bytes=0:*")
    expected = [root, subdir, multiblock] + fixture.descendants(multiblock)
    assert [v1(c) for c, _ in car_sections(entity.content)[1]] == [v1(c) for c in expected]
    assert entity.headers["X-Ipfs-Roots"].split(",")[0] == v1(root)
    directory = get(gateway, f"/ipfs/{root}/subdir?format=car&dag-scope=entity")
    assert [v1(c) for c, _ in car_sections(directory.content)[1]] == [v1(root), v1(subdir)]
    assert get(gateway, f"/ipfs/{root}/no-such-name?format=raw").status_code == 404


def test_entity_bytes_with_a_missing_block(gateway: Router, fixtures: dict[str, Fixture]) -> None:
    """The spec's own example: the middle block is missing, ranges that avoid it still succeed."""
    fixture = fixtures["trustless_gateway_car/file-3k-and-3-blocks-missing-block.car"]
    root = fixture.root
    first = get(gateway, f"/ipfs/{root}?format=car&dag-scope=entity&entity-bytes=0:1000")
    assert first.status_code == 200
    assert cids(first) == [str(root), "QmPKt7ptM2ZYSGPUc8PmPT2VBkLDK3iqpG9TBJY7PCE9rF"]
    last = get(gateway, f"/ipfs/{root}?format=car&dag-scope=entity&entity-bytes=2200:*")
    assert cids(last) == [str(root), "QmWXY482zQdwecnfBsj78poUUuPXvyw2JAFAEMw4tzTavV"]
    assert get(gateway, f"/ipfs/{root}?format=car&entity-bytes=nope").status_code == 400


def test_duplicates(gateway: Router, fixtures: dict[str, Fixture]) -> None:
    fixture = fixtures["trustless_gateway_car/dir-with-duplicate-files.car"]
    root = fixture.root
    no_dups = car_sections(get(gateway, f"/ipfs/{root}?format=car").content)[1]
    assert len({bytes(c.digest) for c, _ in no_dups}) == len(no_dups)
    dups = get(gateway, f"/ipfs/{root}", headers={"Accept": "application/vnd.ipld.car; dups=y"})
    assert dups.headers["Content-Type"].endswith("dups=y")
    with_dups = car_sections(dups.content)[1]
    assert len(with_dups) == len(no_dups) + 1, "ascii.txt and ascii-copy.txt are the same block"


@pytest.mark.parametrize("name", IPLD_NAMES)
def test_car_follows_dag_cbor_and_dag_json_links(gateway: Router, edge_bin: Path, fixtures: dict[str, Fixture],
                                                 name: str) -> None:
    """`dag-scope=all` walks dag-cbor and dag-json links: after `ipfs gc` (the import pinned the root recursively),
    the CAR lists every block of the fixture in its depth-first order; `dag-scope=entity` of a dag-cbor, dag-json
    or directory root is that block alone."""
    fixture = fixtures[name]
    assert cli(edge_bin, gateway.state_dir, "ipfs", "gc").returncode == 0
    for query in ("format=car", "format=car&dag-scope=all"):
        response = get(gateway, f"/ipfs/{fixture.root}?{query}")
        assert response.status_code == 200
        assert [v1(c) for c, _ in car_sections(response.content)[1]] == [v1(c) for c in fixture.order]
    entity = get(gateway, f"/ipfs/{fixture.root}?format=car&dag-scope=entity")
    assert [v1(c) for c, _ in car_sections(entity.content)[1]] == [v1(fixture.root)]


def test_paths_through_dag_cbor_and_dag_json(gateway: Router, fixtures: dict[str, Fixture]) -> None:
    """Conformance: a CAR of a UnixFS file on a path with a dag-cbor root lists the dag-cbor block, then the file
    (trustless_gateway_car "on a path with DAG-CBOR as root CID"); the traversal fixtures resolve foo/link/bar
    across blocks, a path ending at a value that is not a link is 501 and a missing key 404 (path_gateway_dag)."""
    mixed = fixtures["trustless_gateway_car/dir-with-dag-cbor-with-links.car"]
    document = mixed.order[1]
    assert document.codec.name == "dag-cbor"
    single = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
    car = get(gateway, f"/ipfs/{document}/files/single?format=car")
    assert car.status_code == 200
    assert [v1(c) for c, _ in car_sections(car.content)[1]] == [v1(document), single]
    assert get(gateway, f"/ipfs/{document}/files/single").content == mixed.block(CID.decode(single))
    for name in IPLD_NAMES[:2]:
        fixture = fixtures[name]
        bar = get(gateway, f"/ipfs/{fixture.root}/foo/link/bar?format=raw")
        assert bar.status_code == 200 and bar.content == fixture.block(fixture.order[2])
        assert get(gateway, f"/ipfs/{fixture.root}/foo?format=raw").status_code == 501
        assert get(gateway, f"/ipfs/{fixture.root}/foo/i-do-not-exist?format=raw").status_code == 404


def test_file_bytes_head_and_status_codes(gateway: Router, edge_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    data = b"\x89PNG\r\n\x1a\n" + random_file(tmp_path / "body", 700_000, 5)
    path.write_bytes(data)
    cid = add_to(gateway, edge_bin, path)
    response = get(gateway, f"/ipfs/{cid}")
    assert response.status_code == 200 and response.content == data
    assert response.headers["Content-Type"] == "image/png"
    ranged = get(gateway, f"/ipfs/{cid}", headers={"Range": "bytes=300000-300009"})
    assert ranged.status_code == 206 and ranged.content == data[300000:300010]
    head = requests.head(gateway.url(f"/ipfs/{cid}"), timeout=30)
    assert head.status_code == 200 and head.content == b"" and head.headers["Etag"] == response.headers["Etag"]
    assert get(gateway, "/ipfs/bafkqaaa?format=raw").status_code == 200  # the identity probe
    assert get(gateway, "/ipfs/not-a-cid").status_code == 400
    missing = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    assert get(gateway, f"/ipfs/{missing}?format=raw").status_code == 404
    assert get(gateway, f"/ipfs/{missing}", headers={"Cache-Control": "only-if-cached"}).status_code == 412
    assert get(gateway, f"/ipfs/{cid}", headers={"Accept": "application/vnd.ipld.dag-json"}).status_code == 406
    assert get(gateway, f"/ipfs/{cid}?format=tar").status_code == 400


def test_large_files_stream_in_windows(gateway: Router, edge_bin: Path, tmp_path: Path) -> None:
    """Files over 1 MiB are streamed a window at a time; ranges across window borders come out whole."""
    path = tmp_path / "large.bin"
    data = random_file(path, 2_600_000, 8)
    cid = add_to(gateway, edge_bin, path)
    whole = get(gateway, f"/ipfs/{cid}")
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["Content-Type"] == "application/octet-stream"
    span = get(gateway, f"/ipfs/{cid}", headers={"Range": "bytes=1048000-2200000"})
    assert span.status_code == 206 and span.content == data[1048000:2200001]
    assert span.headers["Content-Range"] == f"bytes 1048000-2200000/{len(data)}"
