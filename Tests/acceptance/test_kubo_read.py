"""kubo's RPC read side (`POST /api/v0/cat|get|ls|block/*|dag/*|pin/verify|repo/*|version|id`) driven by the
kubo clients Python apps use: PyPI ipfshttpclient (its `Client` built directly: `connect()` refuses any daemon
version outside 0.4.23-0.8.0, current kubo included) and PyPI aioipfs. Bytes and CIDs must agree with the
router's own CLI and gateway; each verb answers a bad CID, a missing block and an unsupported argument in kubo's
error shape."""

from __future__ import annotations

import asyncio
import io
import json
import tarfile
from pathlib import Path

import aioipfs
import dag_cbor
import dag_json
import ipfshttpclient
import pytest
import requests
from multiformats import CID, multihash, varint

from conftest import DEV_KEY, Router, RouterFactory, auth
from test_ipfs_cli import random_file
from test_ipfs_gateway import FIXTURES, Fixture, add_to, pb_links, v1
from test_ipfs_upstream import TrustlessGateway

MIXED = FIXTURES / "trustless_gateway_car" / "subdir-with-mixed-block-files.car"
HELLO_V1 = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"  # `echo -n "hello world" | ipfs add`


def client(router: Router) -> ipfshttpclient.Client:
    return ipfshttpclient.Client(f"/ip4/127.0.0.1/tcp/{router.port}/http",
                                 headers={"Authorization": f"Bearer {DEV_KEY}"}, timeout=60)


def rpc(router: Router, verb: str, method: str = "POST", **params: str) -> requests.Response:
    return requests.request(method, router.url(f"/api/v0/{verb}"), params=params, headers=auth(), timeout=60)


def import_car(router: Router, path: Path) -> None:
    response = requests.post(router.url("/api/v0/dag/import"), files=[("file", ("f.car", path.read_bytes()))],
                             headers=auth(), timeout=60)
    assert response.status_code == 200, response.text


def gateway_bytes(router: Router, path: str, **params: str) -> bytes:
    response = requests.get(router.url(f"/ipfs/{path}"), params=params, timeout=60)
    assert response.status_code == 200, response.text
    return response.content


def test_ipfshttpclient_reads_what_it_added(router_factory: RouterFactory, edge_bin: Path, tmp_path: Path) -> None:
    router = router_factory(server={"max_body_bytes": 8 << 20})
    ipfs = client(router)
    data = random_file(tmp_path / "report.bin", 1_000_000, 11)
    root = ipfs.add(str(tmp_path / "report.bin"))["Hash"]
    assert root == add_to(router, edge_bin, tmp_path / "report.bin") and CID.decode(root).codec.name == "dag-pb"
    assert ipfs.add_bytes(b"hello world") == HELLO_V1
    assert ipfs.cat(root) == data == gateway_bytes(router, root)
    for offset, length in [(0, 1), (262_143, 2), (262_000, 300_000), (999_990, 100), (1_000_000, 5), (5, 0)]:
        assert ipfs.cat(root, offset=offset, length=length) == data[offset:offset + length], (offset, length)
    assert ipfs.cat(root, offset=999_000) == data[999_000:]
    assert ipfs.cat(root, offset=999_000, length=2**64 - 1) == data[999_000:]  # no wrap-around
    ipfs.get(root, target=str(tmp_path / "out"))
    assert (tmp_path / "out" / root).read_bytes() == data
    assert ipfs.ls(root)["Objects"] == [{"Hash": root, "Links": []}]
    node = ipfs.dag.get(root)
    raw_root = gateway_bytes(router, root, format="raw")
    assert [link["Hash"]["/"] for link in node["Links"]] == [v1(cid) for _, cid in pb_links(raw_root)]
    chunk = node["Links"][1]["Hash"]["/"]
    assert ipfs.block.get(chunk) == gateway_bytes(router, chunk, format="raw") == data[262_144:2 * 262_144]
    assert ipfs.block.stat(chunk) == {"Key": chunk, "Size": 262_144}
    assert ipfs.block.get(root) == raw_root
    pins = ipfs.pin.ls()["Keys"]
    assert pins[root] == {"Type": "recursive"} and pins[HELLO_V1] == {"Type": "recursive"}


def test_ipfshttpclient_gets_and_lists_a_directory(router_factory: RouterFactory, tmp_path: Path) -> None:
    router = router_factory()
    fixture = Fixture(MIXED)
    import_car(router, MIXED)
    ipfs = client(router)
    root = str(fixture.root)
    ipfs.get(root, target=str(tmp_path / "out"))
    subdir = tmp_path / "out" / root / "subdir"
    names = sorted(path.name for path in subdir.iterdir())
    assert names == ["ascii.txt", "hello.txt", "multiblock.txt"]
    for name in names:
        assert (subdir / name).read_bytes() == gateway_bytes(router, f"{root}/subdir/{name}"), name
    listing = ipfs.ls(f"/ipfs/{root}/subdir")["Objects"]
    assert [(link["Name"], link["Hash"], link["Type"]) for link in listing[0]["Links"]] == [
        (name, v1(cid), 1 if cid.codec.name == "dag-pb" and name == "subdir" else 2)
        for name, cid in pb_links(fixture.block(fixture.cid("subdir")))]
    sizes = {link["Name"]: link["Size"] for link in listing[0]["Links"]}
    assert sizes == {name: (subdir / name).stat().st_size for name in names}
    top = ipfs.ls(root)["Objects"][0]["Links"]
    assert [(link["Name"], link["Type"], link["Size"]) for link in top] == [("subdir", 1, 0)]
    # dag/export is the gateway's whole-DAG CAR, byte for byte.
    export = rpc(router, "dag/export", arg=root)
    assert export.status_code == 200 and export.content == gateway_bytes(router, root, format="car")


def test_aioipfs_reads(router_factory: RouterFactory, tmp_path: Path) -> None:
    router = router_factory(server={"max_body_bytes": 8 << 20})
    data = random_file(tmp_path / "f", 700_000, 12)

    async def main() -> None:
        ipfs = aioipfs.AsyncIPFS(host="127.0.0.1", port=router.port)
        # aioipfs 0.7.1's `get` posts without its `auth`: the key goes on the session, as an app's would.
        ipfs.session.headers["X-API-Key"] = DEV_KEY
        try:
            added = await ipfs.core.add_bytes(data)
            root = added["Hash"]
            assert CID.decode(root).codec.name == "dag-pb"
            assert await ipfs.core.cat(root) == data == gateway_bytes(router, root)
            assert await ipfs.core.cat(root, offset=300_000, length=1000) == data[300_000:301_000]
            await ipfs.core.get(root, dstdir=str(tmp_path / "out"))
            assert (tmp_path / "out" / root).read_bytes() == data
            assert (await ipfs.core.ls(root))["Objects"][0]["Links"] == []
            node = json.loads(await ipfs.dag.get(root))
            chunk = node["Links"][0]["Hash"]["/"]
            assert await ipfs.block.get(chunk) == data[:262_144]
            assert (await ipfs.block.stat(chunk))["Size"] == 262_144
            assert root in (await ipfs.pin.ls())["Keys"]
            assert (await ipfs.core.version())["Agent"].startswith("cortensor-edge/")
        finally:
            await ipfs.close()

    asyncio.run(main())


# (verb, whether it takes a CID alone rather than a path)
READS = [("cat", False), ("get", False), ("ls", False), ("dag/get", False), ("dag/export", True),
         ("block/get", True), ("block/stat", True)]
MISSING = str(CID("base32", 1, "raw", multihash.digest(b"nobody stored this", "sha2-256")))


@pytest.mark.parametrize("verb", [verb for verb, _ in READS] + ["block/rm"])
def test_each_verb_refuses_a_bad_cid_an_unsupported_argument_and_get(router_factory: RouterFactory,
                                                                     verb: str) -> None:
    router = router_factory()
    bad = rpc(router, verb, arg="not-a-cid")
    assert bad.status_code == 400 and bad.json() == {"Message": bad.json()["Message"], "Code": 1, "Type": "error"}
    assert "invalid CID 'not-a-cid'" in bad.json()["Message"]
    unsupported = rpc(router, verb, arg=HELLO_V1, frobnicate="1")
    assert unsupported.status_code == 400 and "unsupported argument 'frobnicate'" in unsupported.json()["Message"]
    assert rpc(router, verb).status_code == 400  # no arg
    assert rpc(router, verb, method="GET", arg=HELLO_V1).status_code == 405


@pytest.mark.parametrize("verb", [verb for verb, _ in READS])
def test_each_read_of_a_missing_block_is_not_found_locally(router_factory: RouterFactory, verb: str) -> None:
    router = router_factory()
    missing = rpc(router, verb, arg=MISSING)
    assert missing.status_code == 404, missing.text
    assert missing.json() == {"Message": f"block was not found locally (offline): ipld: could not find {MISSING}",
                              "Code": 3, "Type": "error"}


@pytest.mark.parametrize("verb", ["version", "id", "repo/stat", "repo/gc", "pin/verify"])
def test_verbs_without_a_cid_refuse_unsupported_arguments(router_factory: RouterFactory, verb: str) -> None:
    router = router_factory()
    assert rpc(router, verb).status_code == 200
    refused = rpc(router, verb, timeout="5s")
    assert refused.status_code == 400 and "'timeout'" in refused.json()["Message"]
    assert rpc(router, verb, method="GET").status_code == 405


def test_values_we_do_not_implement_are_refused_not_ignored(router_factory: RouterFactory) -> None:
    router = router_factory()
    requests.post(router.url("/api/v0/add"), files=[("f", ("h", b"hello world"))], headers=auth(), timeout=30)
    for verb, params in [("cat", {"progress": "true"}), ("get", {"compress": "true"}), ("ls", {"stream": "true"}),
                         ("ls", {"resolve-type": "false"}), ("dag/get", {"output-codec": "dag-cbor"}),
                         ("cat", {"offset": "-1"}), ("cat", {"length": "x"}), ("cat", {"encoding": "xml"}),
                         ("cat", {"offline": "maybe"}), ("id", {"arg": "12D3KooW"})]:
        refused = rpc(router, verb, **{"arg": HELLO_V1, **params})
        assert refused.status_code == 400, (verb, params, refused.text)
        assert refused.json()["Type"] == "error" and refused.json()["Code"] == 1
    ok = rpc(router, "cat", arg=f"/ipfs/{HELLO_V1}", offline="true", encoding="json", **{"stream-channels": "true"})
    assert ok.status_code == 200 and ok.content == b"hello world"
    assert rpc(router, "dag/get", arg=HELLO_V1, **{"output-codec": "raw"}).content == b"hello world"
    assert rpc(router, "dag/get", arg=HELLO_V1).json() == {"/": {"bytes": "aGVsbG8gd29ybGQ"}}


def test_reads_need_a_key(router_factory: RouterFactory) -> None:
    router = router_factory(dev=False)
    for verb, _ in READS:
        response = requests.post(router.url(f"/api/v0/{verb}"), params={"arg": HELLO_V1}, timeout=30)
        assert response.status_code == 401 and response.json()["Type"] == "error"


def test_block_rm_pin_verify_and_repo(router_factory: RouterFactory) -> None:
    router = router_factory()
    ipfs = client(router)
    pinned = ipfs.add_bytes(b"hello world")
    loose = requests.post(router.url("/api/v0/add"), params={"pin": "false"}, headers=auth(), timeout=30,
                          files=[("f", ("l", b"loose bytes"))]).json()["Hash"]
    removed = rpc(router, "block/rm", arg=pinned)
    assert [json.loads(line) for line in removed.text.splitlines()] == [
        {"Hash": pinned, "Error": "pinned: cannot remove a pinned block"}]
    assert [json.loads(line)["Error"] for line in rpc(router, "block/rm", arg=MISSING).text.splitlines()] == [
        f"ipld: could not find {MISSING}"]
    assert rpc(router, "block/rm", arg=MISSING, force="true").text.splitlines() == [
        json.dumps({"Hash": MISSING, "Error": ""}, separators=(",", ":"))]
    assert rpc(router, "pin/verify").text == ""  # only broken pins unless verbose
    assert [json.loads(line) for line in rpc(router, "pin/verify", verbose="true").text.splitlines()] == [
        {"Cid": pinned, "Ok": True}]
    before = ipfs.repo.stat()
    assert before["NumObjects"] == 2 and before["RepoSize"] == 22
    gc = rpc(router, "repo/gc")
    assert gc.status_code == 200 and json.loads(gc.text) == {"Removed": 1, "Bytes": 11}
    assert rpc(router, "block/stat", arg=loose).status_code == 404
    assert rpc(router, "repo/stat", **{"size-only": "true"}).json().keys() == {"RepoSize", "StorageMax"}


def test_missing_blocks_come_verified_from_upstream_unless_offline(router_factory: RouterFactory) -> None:
    fixture = Fixture(MIXED)
    honest = TrustlessGateway({digest: block for digest, (_, block) in fixture.blocks.items()})
    try:
        router = router_factory(env={"CORTENSOR_EDGE_IPFS_UPSTREAM_GATEWAYS": honest.url})
        path = f"/ipfs/{fixture.root}/subdir/multiblock.txt"
        offline = rpc(router, "cat", arg=path, offline="true")
        assert offline.status_code == 404 and not honest.requests
        fetched = rpc(router, "cat", arg=path)
        assert fetched.status_code == 200 and fetched.content == gateway_bytes(router, path.removeprefix("/ipfs/"))
        archive = tarfile.open(fileobj=io.BytesIO(rpc(router, "get", arg=str(fixture.root)).content), mode="r|")
        assert [member.name for member in archive] == [
            str(fixture.root), f"{fixture.root}/subdir", f"{fixture.root}/subdir/ascii.txt",
            f"{fixture.root}/subdir/hello.txt", f"{fixture.root}/subdir/multiblock.txt"]
        unknown = rpc(router, "block/get", arg=MISSING)
        assert unknown.status_code == 404 and "no upstream gateway has it" in unknown.json()["Message"]
    finally:
        honest.close()


def dag_pb_directory(links: list[tuple[str, CID]]) -> bytes:
    """A UnixFS directory node (dag-pb: Links = field 2, Data = field 1 holding UnixFS Type=Directory)."""
    def field(number: int, payload: bytes) -> bytes:
        return varint.encode(number << 3 | 2) + varint.encode(len(payload)) + payload
    body = b"".join(field(2, field(1, bytes(cid)) + field(2, name.encode())) for name, cid in links)
    return body + field(1, b"\x08\x01")


@pytest.mark.parametrize("name", ["..", "a/../../etc", ".", ""])
def test_get_never_archives_a_name_that_escapes_the_folder(router_factory: RouterFactory, name: str) -> None:
    router = router_factory()
    client(router).add_bytes(b"hello world")
    block = dag_pb_directory([(name, CID.decode(HELLO_V1))])
    put = requests.post(router.url("/api/v0/block/put"), params={"cid-codec": "dag-pb"}, headers=auth(),
                        files=[("d", ("d", block))], timeout=30)
    directory = put.json()["Key"]
    response = requests.post(router.url("/api/v0/get"), params={"arg": directory}, headers=auth(), timeout=30,
                             stream=True)
    assert response.status_code == 200  # the root is a directory: the tar starts, then stops at the bad name
    received = b""
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in response.iter_content(4096):
            received += chunk
    # The directory's own entry only (no end-of-archive records: a reader sees a cut archive), never the child.
    assert [member.name for member in tarfile.open(fileobj=io.BytesIO(received), mode="r|")] == [directory]
    assert not received.endswith(bytes(1024))


def put_dag_pb(router: Router, block: bytes) -> str:
    put = requests.post(router.url("/api/v0/block/put"), params={"cid-codec": "dag-pb"}, headers=auth(),
                        files=[("d", ("d", block))], timeout=30)
    assert put.status_code == 200, put.text
    return put.json()["Key"]


def unixfs_symlink(target: str) -> bytes:
    """A UnixFS symlink node (dag-pb Data = UnixFS Type=Symlink, Data=target)."""
    encoded = target.encode()
    unixfs = b"\x08\x04" + b"\x12" + varint.encode(len(encoded)) + encoded
    return varint.encode(1 << 3 | 2) + varint.encode(len(unixfs)) + unixfs


@pytest.mark.parametrize("case", ["absolute-link", "dotdot-link", "duplicate-name"])
def test_get_never_archives_a_link_that_leaves_the_folder(router_factory: RouterFactory, case: str) -> None:
    # A crafted DAG: a link `a -> /etc` (or `../..`) and a directory `a/` after it would let extractors that follow
    # links write outside the folder; two entries of one name could swap a file for such a link.
    router = router_factory()
    client(router).add_bytes(b"hello world")
    hello = CID.decode(HELLO_V1)
    if case == "duplicate-name":
        links = [("x", hello), ("x", hello)]
    else:
        link = CID.decode(put_dag_pb(router, unixfs_symlink("/etc" if case == "absolute-link" else "../../etc")))
        links = [("a", link)]
    directory = put_dag_pb(router, dag_pb_directory(links))
    response = requests.post(router.url("/api/v0/get"), params={"arg": directory}, headers=auth(), timeout=30,
                             stream=True)
    assert response.status_code == 200
    received = b""
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in response.iter_content(4096):
            received += chunk
    assert [member.name for member in tarfile.open(fileobj=io.BytesIO(received), mode="r|")] == [directory]


@pytest.mark.parametrize("name", ["path_gateway_dag/dag-cbor-traversal.car", "path_gateway_dag/dag-json-traversal.car"])
def test_dag_get_prints_dag_cbor_and_dag_json_nodes_as_pypi_dag_json_does(router_factory: RouterFactory,
                                                                         name: str) -> None:
    router = router_factory()
    fixture = Fixture(FIXTURES / name)
    import_car(router, FIXTURES / name)
    ipfs = client(router)
    for cid in fixture.order:
        block = fixture.block(cid)
        expected = dag_json.encode(dag_cbor.decode(block)) if cid.codec.name == "dag-cbor" else block
        if cid.codec.name in ("dag-cbor", "dag-json"):
            assert rpc(router, "dag/get", arg=v1(cid)).content == expected
            assert ipfs.dag.get(v1(cid)) == json.loads(expected)
            own = rpc(router, "dag/get", arg=v1(cid), **{"output-codec": cid.codec.name})
            assert own.content == block
