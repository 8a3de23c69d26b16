"""Verified upstream fetch: blocks missing locally come from the configured trustless gateways (small real HTTP
servers here), each checked against its CID. A lying gateway is skipped and never gets a byte to a client."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from multiformats import CID

from conftest import RouterFactory
from test_ipfs_gateway import FIXTURES, IPLD_NAMES, Fixture, car_sections, v1


class TrustlessGateway:
    """Serves `GET /ipfs/{cid}?format=raw` from a set of blocks; `lie` flips a byte of every answer."""

    def __init__(self, blocks: dict[bytes, bytes], lie: bool = False) -> None:
        self.blocks, self.lie, self.requests = blocks, lie, []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                gateway.requests.append(url.path)
                cid = CID.decode(url.path.removeprefix("/ipfs/"))
                block = gateway.blocks.get(bytes(cid.digest))
                if block is None or parse_qs(url.query).get("format") != ["raw"]:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if gateway.lie:
                    block = bytes([block[0] ^ 0xFF]) + block[1:]
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.ipld.raw")
                self.send_header("Content-Length", str(len(block)))
                self.end_headers()
                self.wfile.write(block)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fixture() -> Fixture:
    return Fixture(FIXTURES / "trustless_gateway_car" / "subdir-with-mixed-block-files.car")


@pytest.fixture
def upstreams(fixture: Fixture) -> Iterator[tuple[TrustlessGateway, TrustlessGateway]]:
    blocks = {digest: block for digest, (_, block) in fixture.blocks.items()}
    liar, honest = TrustlessGateway(blocks, lie=True), TrustlessGateway(blocks)
    yield liar, honest
    liar.close()
    honest.close()


def test_missing_blocks_come_verified_from_an_honest_gateway(
        router_factory: RouterFactory, fixture: Fixture, upstreams: tuple[TrustlessGateway, TrustlessGateway]) -> None:
    liar, honest = upstreams
    router = router_factory(env={"CORTENSOR_EDGE_IPFS_UPSTREAM_GATEWAYS": f"{liar.url},{honest.url}"})
    root = fixture.root
    raw = requests.get(router.url(f"/ipfs/{root}?format=raw"), timeout=30)
    assert raw.status_code == 200 and raw.content == fixture.block(root)
    assert liar.requests and honest.requests, "the liar was asked first, and refused"
    # A path and a whole-DAG CAR pull the rest of the DAG through the same verification.
    car = requests.get(router.url(f"/ipfs/{root}/subdir/multiblock.txt?format=car"), timeout=30)
    assert car.status_code == 200
    multiblock = fixture.cid("subdir", "multiblock.txt")
    expected = [root, fixture.cid("subdir"), multiblock] + fixture.descendants(multiblock)
    assert [v1(c) for c, _ in car_sections(car.content)[1]] == [v1(c) for c in expected]


@pytest.mark.parametrize("name", IPLD_NAMES)
def test_a_whole_dag_through_dag_cbor_and_dag_json_comes_from_upstream(router_factory: RouterFactory,
                                                                       name: str) -> None:
    """The upstream fill follows dag-cbor and dag-json links: a whole-DAG CAR of a DAG held only upstream lists
    every block, in the fixture's depth-first order."""
    dag = Fixture(FIXTURES / name)
    honest = TrustlessGateway({digest: block for digest, (_, block) in dag.blocks.items()})
    try:
        router = router_factory(env={"CORTENSOR_EDGE_IPFS_UPSTREAM_GATEWAYS": honest.url})
        car = requests.get(router.url(f"/ipfs/{dag.root}?format=car&dag-scope=all"), timeout=30)
        assert car.status_code == 200
        assert [v1(c) for c, _ in car_sections(car.content)[1]] == [v1(c) for c in dag.order]
    finally:
        honest.close()


def test_a_lying_gateway_alone_gets_nothing_through(
        router_factory: RouterFactory, fixture: Fixture, upstreams: tuple[TrustlessGateway, TrustlessGateway]) -> None:
    liar, _ = upstreams
    router = router_factory(env={"CORTENSOR_EDGE_IPFS_UPSTREAM_GATEWAYS": liar.url})
    root = fixture.root
    assert requests.get(router.url(f"/ipfs/{root}?format=raw"), timeout=30).status_code == 404
    asked = len(liar.requests)
    assert asked == 1
    # A recent miss is remembered: no second trip upstream for the same CID.
    assert requests.get(router.url(f"/ipfs/{root}?format=raw"), timeout=30).status_code == 404
    assert len(liar.requests) == asked
    # only-if-cached never goes upstream.
    other = fixture.cid("subdir")
    cached = requests.get(router.url(f"/ipfs/{other}"), headers={"Cache-Control": "only-if-cached"}, timeout=30)
    assert cached.status_code == 412 and len(liar.requests) == asked


def test_no_upstream_by_default(router_factory: RouterFactory, fixture: Fixture) -> None:
    router = router_factory()
    assert requests.get(router.url(f"/ipfs/{fixture.root}?format=raw"), timeout=30).status_code == 404
