"""A client that hangs up while the router waits on a miner cancels the miner request, for non-stream requests too:
libmicrohttpd cannot see a suspended connection close, so the server watches those sockets itself."""

from __future__ import annotations

import json
import socket
import time

import pytest

from conftest import DEV_KEY, Router, RouterFactory
from fake_miner import FakeMiner
from test_bounded_miners import complete, miner_record, request


def send_and_hang_up(router: Router, path: str, body: dict, miner: FakeMiner) -> float:
    """Sends a request on a raw socket, waits until the miner has it, then closes the socket; returns when."""
    raw = json.dumps(body).encode()
    with socket.create_connection(("127.0.0.1", router.port), timeout=5) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {DEV_KEY}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {len(raw)}\r\n\r\n".encode() + raw)
        assert miner.wait_for_requests(1, timeout=5), "the request never reached the miner"
        time.sleep(0.3)  # the miner is working on it (streaming tokens, or silent in `hang`)
    return time.monotonic()


@pytest.mark.parametrize("mode", ["collecting", "before_first_token"])
@pytest.mark.parametrize("api", ["cortensor", "chat"])
def test_non_stream_client_hang_up_cancels_the_miner_request(router_factory: RouterFactory, miner_factory,
                                                             api: str, mode: str) -> None:
    if mode == "collecting":
        miner = miner_factory(pace=0.1, stream_repeat=100)  # ~110 s of tokens
    else:
        miner = miner_factory("hang")
    router = router_factory([("m1", miner, ["fake-model"])], pool={"first_token_timeout_seconds": 60})
    baseline = router.open_connections()
    path, body = request(api, False, timeout=60)
    hung_up_at = send_and_hang_up(router, path, body, miner)
    assert miner.wait_for_disconnect(timeout=3), "the miner request was still open 3 s after the client left"
    assert miner.requests[-1].disconnected_at - hung_up_at < 3
    assert not miner.requests[-1].finished
    assert router.wait_open_connections_at_most(baseline, timeout=5) <= baseline
    if mode == "collecting":
        # The tokens that came before the hang-up are not recorded as a finished answer.
        tasks = router.get("/api/v1/tasks/0").json()["tasks"]
        assert [t["status"] for t in tasks] == [5], tasks  # failed
    # Not the miner's fault: no failure counted, and the router serves the next request.
    assert miner_record(router, "m1")["consecutive_failures"] == 0
    miner.set_behaviour("normal", pace=0.0, stream_repeat=1)
    status, _, answer = complete(router, api, False)
    assert status == 200, answer
