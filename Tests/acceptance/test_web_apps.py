"""What app developers hit first (issue 23): a client's bad request is the client's, not the miner's; a busy
miner's Retry-After reaches the client; driven by the official openai SDK with its default retries."""

from __future__ import annotations

import threading

import openai
from conftest import DEV_KEY, HTTP_TIMEOUT, RouterFactory

TOO_LONG = "TOO-LONG-FOR-THE-CONTEXT"


def test_a_miners_400_is_relayed_never_retried_and_never_opens_its_breaker(router_factory: RouterFactory,
                                                                          miner_factory) -> None:
    miner = miner_factory("reject", reject_marker=TOO_LONG, reject_message="prompt is 9000 tokens; context is 512")
    router = router_factory([("m1", miner, [miner.model])], pool={"breaker_failure_threshold": 2})
    # The SDK's default: two retries of any 5xx, none of a 400.
    client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, timeout=HTTP_TIMEOUT)
    served: list[str] = []
    stop = threading.Event()

    def other_client() -> None:
        other = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)
        while not stop.is_set():
            reply = other.chat.completions.create(model=miner.model, messages=[{"role": "user", "content": "hi"}])
            served.append(reply.choices[0].message.content or "")

    worker = threading.Thread(target=other_client)
    worker.start()
    try:
        refused_before = sum(TOO_LONG in str(r.body) for r in miner.requests)
        for _ in range(20):
            try:
                client.chat.completions.create(model=miner.model, messages=[{"role": "user", "content": TOO_LONG}])
            except openai.BadRequestError as e:
                assert e.status_code == 400
                assert "prompt is 9000 tokens; context is 512" in e.message
                assert e.code == "context_length_exceeded"
            else:
                raise AssertionError("a refused request must fail")
    finally:
        stop.set()
        worker.join(timeout=30)
    # Each refused call reached the miner once: no SDK retry, no router retry.
    assert sum(TOO_LONG in str(r.body) for r in miner.requests) - refused_before == 20
    assert served and all(served)
    listed = router.get("/api/v1/miners")
    assert listed.status_code == 200, listed.text
    body = listed.json()
    miners = body if isinstance(body, list) else body.get("miners", body.get("data", []))
    (m1,) = [m for m in miners if m["id"] == "m1"]
    assert m1["state"] == "closed" and m1["consecutive_failures"] == 0 and m1["error_rate"] == 0


def test_the_cortensor_api_relays_a_refusal_in_its_shape(router_factory: RouterFactory, miner_factory) -> None:
    miner = miner_factory("reject", reject_status=422, reject_message="temperature out of range for this model")
    router = router_factory([("m1", miner, [miner.model])])
    r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "hi"})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["status"] == "failed"
    assert "temperature out of range for this model" in body["error"]["message"]


def test_a_busy_miners_retry_after_reaches_the_client(router_factory: RouterFactory, miner_factory) -> None:
    miner = miner_factory("busy", retry_after="7")
    router = router_factory([("m1", miner, [miner.model])])
    r = router.post("/v1/chat/completions", {"model": miner.model, "messages": [{"role": "user", "content": "x"}]})
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "miners_busy"
    assert r.headers["Retry-After"] == "7"
