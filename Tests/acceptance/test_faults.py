"""Miners that hang, fail, send garbage or reset; clients that hang up. The router must route around bad
miners, fail clearly within the deadline when none is good, release upstream connections, and keep serving."""

from __future__ import annotations

import http.client
import json
import time

import openai
import pytest
import requests

from conftest import DEV_KEY, HTTP_TIMEOUT, Router, RouterFactory, sse_events
from fake_miner import FakeMiner

PROMPT = {"session_id": 0, "prompt": "fault test", "prompt_type": 1, "max_tokens": 64, "timeout": 30}
MESSAGES = [{"role": "user", "content": "fault test"}]


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def upstream_released(miner: FakeMiner, timeout: float = 10.0) -> bool:
    """Every request the miner got has ended: answered in full, or the router hung up."""
    return wait_until(lambda: all(r.finished or r.client_disconnected for r in list(miner.requests)), timeout)


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def cortensor_completion(router: Router, stream: bool, **overrides) -> tuple[requests.Response, str, list[str]]:
    """POST /api/v1/completions; returns (response, text, raw SSE data list)."""
    body = {**PROMPT, "stream": stream, **overrides}
    if not stream:
        r = router.post("/api/v1/completions", body)
        text = r.json()["choices"][0]["text"] if r.status_code == 200 else ""
        return r, text, []
    with router.post("/api/v1/completions", body, stream=True) as r:
        if r.status_code != 200:
            r.content  # noqa: B018 - read the error body before closing
            return r, "", []
        events = [data for _, data in sse_events(r)]
    chunks = [_json_or_none(e) for e in events if e != "[DONE]"]
    text = "".join(c["choices"][0]["text"] for c in chunks if isinstance(c, dict) and c.get("choices"))
    return r, text, events


def openai_chat(router: Router, stream: bool) -> tuple[str, str]:
    """(text, X-Cortensor-Miner) through the OpenAI SDK."""
    with openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT) as client:
        if not stream:
            raw = client.chat.completions.with_raw_response.create(model="fake-model", messages=MESSAGES)
            return raw.parse().choices[0].message.content or "", raw.headers["X-Cortensor-Miner"]
        with client.chat.completions.with_streaming_response.create(model="fake-model", messages=MESSAGES,
                                                                    stream=True) as resp:
            miner = resp.headers["X-Cortensor-Miner"]
            text = "".join(c.choices[0].delta.content or "" for c in resp.parse() if c.choices)
        return text, miner


@pytest.mark.parametrize("api", ["cortensor", "openai"])
@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("bad_mode", ["hang", "error500", "garbage", "slow_first"])
def test_bad_miner_is_routed_around(router_factory: RouterFactory, miner_factory, bad_mode: str, stream: bool,
                                    api: str) -> None:
    bad = miner_factory(bad_mode, first_token_delay=20)
    good = miner_factory(pace=0.005)
    # The bad miner is listed first with the larger weight so that it is the router's first choice.
    router = router_factory([("bad", bad, ["fake-model"], {"weight": 10.0}),
                             ("good", good, ["fake-model"], {"weight": 1.0})])
    baseline = router.open_connections()
    for _ in range(2):
        if api == "cortensor":
            r, text, events = cortensor_completion(router, stream)
            assert r.status_code == 200, r.text
            miner = r.headers["X-Cortensor-Miner"]
            if stream:
                assert events[-1] == "[DONE]"
        else:
            text, miner = openai_chat(router, stream)
        assert miner == "good"
        assert text == good.requests[-1].sent_text
    assert bad.completion_count >= 1, "the router never tried the bad miner, so the fault path was not exercised"
    assert upstream_released(bad), "the router kept connections to the bad miner open"
    assert router.get("/healthz", key=None).status_code == 200
    assert router.wait_open_connections_at_most(baseline) <= baseline


def test_failing_miner_stops_receiving_traffic(router_factory: RouterFactory, miner_factory) -> None:
    bad = miner_factory("error500")
    good = miner_factory()
    router = router_factory([("bad", bad, ["fake-model"], {"weight": 10.0}), ("good", good, ["fake-model"])],
                            pool={"breaker_failure_threshold": 2, "breaker_open_seconds": 60})
    for _ in range(8):
        r, _, _ = cortensor_completion(router, False)
        assert r.status_code == 200, r.text
    assert 1 <= bad.completion_count <= 2, bad.completion_count
    states = {m["id"]: m["state"] for m in _miners(router)}
    assert states["bad"] != states["good"], states


def _miners(router: Router) -> list[dict]:
    payload = router.get("/api/v1/miners").json()
    return payload if isinstance(payload, list) else payload["miners"]


def test_reset_mid_stream_is_not_reported_as_success(router_factory: RouterFactory, miner_factory) -> None:
    miner = miner_factory("reset", fault_after=3, pace=0.1)
    router = router_factory([("m1", miner, ["fake-model"])])
    baseline = router.open_connections()
    events: list[tuple[str, str]] = []
    broken = False
    try:
        with router.post("/api/v1/completions", {**PROMPT, "stream": True}, stream=True) as r:
            assert r.status_code == 200
            for ev in sse_events(r):
                events.append(ev)
    except requests.exceptions.RequestException:
        broken = True  # the router aborted the chunked stream: a truncated stream
    datas = [d for _, d in events]
    payloads = [_json_or_none(d) for d in datas if d != "[DONE]"]
    text = "".join(p["choices"][0]["text"] for p in payloads if isinstance(p, dict) and p.get("choices"))
    assert text.startswith("Hello"), "tokens sent before the reset were not relayed"
    assert "Hello from the".startswith(text), "text after the reset point appeared"
    error_seen = any(t == "error" for t, _ in events) or any(isinstance(p, dict) and "error" in p for p in payloads)
    clean_finish = datas[-1:] == ["[DONE]"] and any(
        isinstance(p, dict) and (p.get("choices") or [{}])[0].get("finish_reason") in ("stop", "length")
        for p in payloads)
    assert broken or error_seen or "[DONE]" not in datas, "a reset stream must end with an error or be truncated"
    assert not (clean_finish and not error_seen), "a reset stream was reported as a normal finish"
    # The router keeps serving, with the same miner once it behaves.
    miner.set_behaviour("normal")
    assert router.get("/healthz", key=None).status_code == 200
    r, text, _ = cortensor_completion(router, True)
    assert r.status_code == 200 and text == miner.requests[-1].sent_text
    assert router.wait_open_connections_at_most(baseline) <= baseline


def test_reset_mid_stream_openai_sdk(router_factory: RouterFactory, miner_factory) -> None:
    miner = miner_factory("reset", fault_after=3, pace=0.02)
    router = router_factory([("m1", miner, ["fake-model"])])
    client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)
    finish = None
    try:
        for chunk in client.chat.completions.create(model="fake-model", messages=MESSAGES, stream=True):
            if chunk.choices and chunk.choices[0].finish_reason:
                finish = chunk.choices[0].finish_reason
    except Exception:  # noqa: BLE001 - any error surfaced to the client is acceptable here
        finish = finish or "error"
    assert finish not in ("stop", "length"), "a reset stream was reported as a normal finish"
    miner.set_behaviour("normal")
    assert router.get("/healthz", key=None).status_code == 200


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_all_miners_hang_fails_clearly_within_timeout(router_factory: RouterFactory, miner_factory,
                                                      stream: bool) -> None:
    a, b = miner_factory("hang"), miner_factory("hang")
    router = router_factory([("a", a, ["fake-model"]), ("b", b, ["fake-model"])],
                            pool={"first_token_timeout_seconds": 120})
    timeout = 4
    started = time.monotonic()
    body = {**PROMPT, "stream": stream, "timeout": timeout}
    with router.post("/api/v1/completions", body, stream=stream) as r:
        if r.status_code == 200:  # a stream that already sent its headers must carry an error event
            assert stream, r.text
            events = list(sse_events(r))
            assert any(t == "error" or ("error" in d and d != "[DONE]") for t, d in events), events
        else:
            assert r.status_code in (502, 503, 504), (r.status_code, r.text)
            err = r.json()
            assert err["status"] == "failed"
            assert err["error"]["message"]
    elapsed = time.monotonic() - started
    assert elapsed < timeout + 4, f"took {elapsed:.1f}s for a {timeout}s timeout"
    assert upstream_released(a) and upstream_released(b), "hung upstream requests were not cancelled"
    assert router.get("/healthz", key=None).status_code == 200


def test_all_miners_failing_openai_error(router_factory: RouterFactory, miner_factory) -> None:
    a, b = miner_factory("error500"), miner_factory("garbage")
    router = router_factory([("a", a, ["fake-model"]), ("b", b, ["fake-model"])])
    client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model="fake-model", messages=MESSAGES)
    assert info.value.status_code in (502, 503, 504)
    r = router.post("/v1/chat/completions", {"model": "fake-model", "messages": MESSAGES})
    assert r.status_code in (502, 503, 504)
    err = r.json()["error"]
    assert err["message"] and "type" in err
    assert router.get("/healthz", key=None).status_code == 200


def _open_stream(router: Router, path: str, body: dict) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """Start a stream and read up to its first SSE data line."""
    conn = http.client.HTTPConnection("127.0.0.1", router.port, timeout=HTTP_TIMEOUT)
    conn.request("POST", path, body=json.dumps(body),
                 headers={"Authorization": f"Bearer {DEV_KEY}", "Content-Type": "application/json"})
    resp = conn.getresponse()
    assert resp.status == 200
    first = resp.fp.readline()
    while first and not first.startswith(b"data:"):
        first = resp.fp.readline()
    assert first.startswith(b"data:"), "no SSE data before hanging up"
    return conn, resp


def _hang_up(conn: http.client.HTTPConnection, resp: http.client.HTTPResponse) -> None:
    resp.close()  # the response owns the socket once the server said Connection: close
    conn.close()


@pytest.mark.parametrize("path,body", [
    ("/api/v1/completions", {**PROMPT, "stream": True, "timeout": 120}),
    ("/v1/chat/completions", {"model": "fake-model", "messages": MESSAGES, "stream": True}),
    ("/v1/completions", {"model": "fake-model", "prompt": "x", "stream": True}),
], ids=["cortensor", "openai-chat", "openai-text"])
def test_client_hang_up_cancels_the_miner_request(router_factory: RouterFactory, miner_factory, path: str,
                                                   body: dict) -> None:
    miner = miner_factory(pace=0.1, stream_repeat=100)  # ~110 s of tokens
    router = router_factory([("m1", miner, ["fake-model"])])
    baseline = router.open_connections()
    _hang_up(*_open_stream(router, path, body))
    assert miner.wait_for_disconnect(timeout=10), "the miner request was still open 10 s after the client left"
    assert not miner.requests[-1].finished
    assert router.get("/healthz", key=None).status_code == 200
    assert router.wait_open_connections_at_most(baseline) <= baseline


def test_many_hang_ups_leave_no_connections(router_factory: RouterFactory, miner_factory) -> None:
    miner = miner_factory(pace=0.05, stream_repeat=100)
    router = router_factory([("m1", miner, ["fake-model"])])
    baseline = router.open_connections()
    for _ in range(10):
        _hang_up(*_open_stream(router, "/api/v1/completions", {**PROMPT, "stream": True, "timeout": 120}))
    assert wait_until(lambda: miner.disconnects == 10, 15), miner.stats()
    assert router.wait_open_connections_at_most(baseline) <= baseline
    miner.set_behaviour(pace=0.0, stream_repeat=1)
    r, text, _ = cortensor_completion(router, False)
    assert r.status_code == 200 and text == miner.requests[-1].sent_text
