"""kubo `add` options the router does not implement (issue 23) are refused with a 400 naming them, never ignored
(an ignored `wrap-with-directory` or `raw-leaves=false` gives a CID the client did not ask for); their off values,
and `raw-leaves` with an explicit CID version, give kubo's CIDs."""

from __future__ import annotations

import pytest
from multiformats import CID

from conftest import RouterFactory
from test_kubo_rpc import lines, rpc

HELLO = [("file", ("hi.txt", b"hello world"))]
# kubo's `echo -n "hello world" | ipfs add [--cid-version 1]`.
V1 = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
V0 = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"


@pytest.mark.parametrize("flag", ["only-hash", "trickle", "wrap-with-directory", "nocopy"])
def test_flags_that_would_change_the_answer_are_refused(router_factory: RouterFactory, flag: str) -> None:
    router = router_factory()
    refused = rpc(router, "add", files=HELLO, **{flag: "true"})
    assert refused.status_code == 400, refused.text
    assert flag in refused.json()["Message"]
    assert lines(rpc(router, "add", files=HELLO, **{flag: "false"}))[0]["Hash"] == V1


def test_raw_leaves_is_honoured_with_an_explicit_cid_version(router_factory: RouterFactory) -> None:
    router = router_factory()
    assert lines(rpc(router, "add", files=HELLO, **{"raw-leaves": "true"}))[0]["Hash"] == V1
    assert lines(rpc(router, "add", files=HELLO, **{"cid-version": "0", "raw-leaves": "false"}))[0]["Hash"] == V0
    # kubo's `ipfs add --cid-version=1 --raw-leaves=false`: the v0 node, named by a v1 CID.
    dag_pb_v1 = str(CID.decode(V0).set(version=1, base="base32"))
    honoured = lines(rpc(router, "add", files=HELLO, **{"cid-version": "1", "raw-leaves": "false"}))
    assert honoured[0]["Hash"] == dag_pb_v1
    # Without a CID version the default profile decides (ipfshttpclient sends raw-leaves=false with every add).
    assert lines(rpc(router, "add", files=HELLO, **{"raw-leaves": "false"}))[0]["Hash"] == V1
    refused = rpc(router, "add", files=HELLO, **{"cid-version": "0", "raw-leaves": "true"})
    assert refused.status_code == 400 and "raw-leaves" in refused.json()["Message"]
    assert rpc(router, "add", files=HELLO, **{"trickle": "maybe"}).status_code == 400
