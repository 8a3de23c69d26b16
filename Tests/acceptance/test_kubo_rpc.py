"""kubo's RPC write subset (`POST /api/v0/add|block/put|dag/import|pin/*`), driven with multipart uploads as the
JS/Python kubo clients send them: keyed, kubo-shaped answers, CIDs that agree with the CLI and the gateway."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from multiformats import CID, multihash

from conftest import DEV_KEY, Router, RouterFactory, auth
from test_car_cli import write_car
from test_ipfs_cli import random_file


def rpc(router: Router, path: str, files: list[tuple[str, tuple[str, bytes]]] | None = None,
        key: str | None = DEV_KEY, **params: str) -> requests.Response:
    return requests.post(router.url(f"/api/v0/{path}"), params=params, files=files, headers=auth(key), timeout=60)


def lines(response: requests.Response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines() if line]


def test_add_then_read_through_the_gateway(router_factory: RouterFactory, tmp_path: Path) -> None:
    router = router_factory(server={"max_body_bytes": 8 << 20})
    data = random_file(tmp_path / "f", 1_000_000, 21)
    response = rpc(router, "add", files=[("file", ("report.bin", data)), ("file", ("hi.txt", b"hello world"))])
    assert response.status_code == 200, response.text
    first, second = lines(response)
    assert first["Name"] == "report.bin" and first["Hash"].startswith("bafybei") and int(first["Size"]) > 1_000_000
    assert second == {"Name": "hi.txt", "Hash": "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
                      "Size": "11"}
    assert requests.get(router.url(f"/ipfs/{first['Hash']}"), timeout=30).content == data
    legacy = lines(rpc(router, "add", files=[("file", ("hi.txt", b"hello world"))], **{"cid-version": "0"}))
    assert legacy[0]["Hash"] == "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # kubo's `echo -n … | ipfs add`
    pins = rpc(router, "pin/ls").json()["Keys"]
    assert pins[first["Hash"]] == {"Type": "recursive"}


def test_block_put_dag_import_and_pins(router_factory: RouterFactory) -> None:
    router = router_factory()
    put = lines(rpc(router, "block/put", files=[("data", ("b", b"some block"))]))
    expected = str(CID("base32", 1, "raw", multihash.digest(b"some block", "sha2-256")))
    assert put == [{"Key": expected, "Size": 10}]
    block = b"car block"
    cid = CID("base32", 1, "raw", multihash.digest(block, "sha2-256"))
    imported = lines(rpc(router, "dag/import", files=[("file", ("d.car", write_car([cid], [(cid, block)])))]))
    assert imported == [{"Root": {"Cid": {"/": str(cid)}, "PinErrorMsg": ""}}]
    assert requests.get(router.url(f"/ipfs/{cid}?format=raw"), timeout=30).content == block
    assert rpc(router, "pin/add", arg=expected).json() == {"Pins": [expected]}
    assert rpc(router, "pin/rm", arg=f"/ipfs/{expected}").json() == {"Pins": [expected]}
    gone = rpc(router, "pin/rm", arg=expected)
    assert gone.status_code == 500 and gone.json()["Type"] == "error"


def test_bad_requests_and_auth(router_factory: RouterFactory) -> None:
    router = router_factory(dev=False)
    assert rpc(router, "add", files=[("file", ("x", b"x"))], key=None).status_code == 401
    router = router_factory()
    no_body = requests.post(router.url("/api/v0/add"), headers=auth(DEV_KEY), data=b"plain", timeout=30)
    assert no_body.status_code == 400 and no_body.json()["Type"] == "error"
    broken = requests.post(router.url("/api/v0/add"), data=b"--b\r\nno end",
                           headers={**auth(DEV_KEY), "Content-Type": "multipart/form-data; boundary=b"}, timeout=30)
    assert broken.status_code == 400
    assert rpc(router, "pin/add", arg="not-a-cid").status_code == 400
    assert rpc(router, "pin/add").status_code == 400
    lying = CID("base32", 1, "raw", multihash.digest(b"truth", "sha2-256"))
    refused = rpc(router, "dag/import", files=[("file", ("l.car", write_car([lying], [(lying, b"lies!")])))])
    assert refused.status_code == 400 and "does not match" in refused.json()["Message"]
    assert requests.get(router.url(f"/ipfs/{lying}?format=raw"), timeout=30).status_code == 404
    assert rpc(router, "block/put", files=[("d", ("b", b"x"))], **{"cid-codec": "nope"}).status_code == 400


def test_add_refuses_a_hash_or_cid_version_it_cannot_honour(router_factory: RouterFactory) -> None:
    """Issue 14: `hash=md5` and `cid-version=9` were ignored (the client got a sha2-256 CIDv1 it did not ask for).
    What kubo accepts and we implement is kept (sha2-256; CID versions 0 and 1); anything else is a 400 naming the
    value, and nothing is stored or pinned."""
    router = router_factory()
    upload = [("file", ("hi.txt", b"hello world"))]
    v1 = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    for params in ({"hash": "md5"}, {"hash": "blake2b-256"}, {"hash": "SHA2-256"}, {"cid-version": "9"},
                   {"cid-version": "-1"}, {"cid-version": "v1"}, {"cid-version": ""},
                   {"hash": "sha2-256", "cid-version": "2"}):
        refused = rpc(router, "add", files=upload, **params)
        assert refused.status_code == 400, (params, refused.text)
        body = refused.json()
        value = params.get("cid-version", params.get("hash"))
        assert body["Type"] == "error" and f"'{value}'" in body["Message"], body
    assert rpc(router, "pin/ls").json()["Keys"] == {}
    for params, expected in (({"hash": "sha2-256"}, v1), ({"cid-version": "1"}, v1),
                             ({"hash": "sha2-256", "cid-version": "0"}, "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD")):
        accepted = rpc(router, "add", files=upload, **params)
        assert accepted.status_code == 200, (params, accepted.text)
        assert lines(accepted)[0]["Hash"] == expected
