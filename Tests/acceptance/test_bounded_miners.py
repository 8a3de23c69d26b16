"""Hostile and broken miners cannot hold the router's memory or its clients: a reply is bounded in tokens and bytes,
a stalled reply is ended by the inter-token timeout, and a stream that fails ends with its error event, never
`[DONE]` after it. Each test states its bounds."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from conftest import Router, RouterFactory

MESSAGES = [{"role": "user", "content": "bounded miners"}]
RSS_GROWTH_BOUND_MB = 64  # peak RSS over the idle router's while a miner blasts (today's code: gigabytes)
ANSWER_WITHIN_S = 10  # the client is told within this (the request's own timeout is 20 s)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class PeakRSS:
    """Samples the router's RSS every 20 ms in a thread, keeping the peak."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, rss_mb(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def request(api: str, stream: bool, **fields) -> tuple[str, dict]:
    """(path, body) of a completion request on `api` (`cortensor`, `chat` or `text`)."""
    if api == "cortensor":
        body = {"session_id": 0, "prompt": "bounded", "prompt_type": 1, "timeout": 20}
        return "/api/v1/completions", {**body, "stream": stream, **fields}
    if api == "chat":
        return "/v1/chat/completions", {"model": "fake-model", "messages": MESSAGES, "stream": stream, **fields}
    return "/v1/completions", {"model": "fake-model", "prompt": "bounded", "stream": stream, **fields}


def error_of(payload: object) -> dict:
    """The error object of an OpenAI or Cortensor error body, or {}."""
    return payload.get("error") or {} if isinstance(payload, dict) and isinstance(payload.get("error"), dict) else {}


def complete(router: Router, api: str, stream: bool, **fields) -> tuple[int, list[str], object]:
    """Sends one request; returns (status, SSE data list for a 200 stream, JSON body otherwise)."""
    path, body = request(api, stream, **fields)
    with router.post(path, body, stream=stream, timeout=ANSWER_WITHIN_S + 5) as r:
        if stream and r.status_code == 200:
            # Read whole (`sse_events` reads byte by byte: minutes for the megabytes a blast may relay).
            blocks = r.content.decode().split("\n\n")
            return r.status_code, [b.removeprefix("data: ") for b in blocks if b.startswith("data: ")], None
        return r.status_code, [], r.json()


def text_of(events: list[str]) -> str:
    out = ""
    for data in events:
        chunk = json.loads(data)
        for choice in chunk.get("choices") or []:
            out += choice.get("text") or (choice.get("delta") or {}).get("content") or ""
    return out


def assert_told(status: int, events: list[str], body: object, stream: bool, words: tuple[str, ...],
                relayed_at_most: int = 0) -> None:
    """The client got an explicit error naming the cause: a 502 body, or a stream whose last event is the error,
    after the two tokens sent before the fault and at most `relayed_at_most` more characters."""
    if stream:
        assert status == 200, (status, body)
        assert events, "the stream carried no event"
        assert "[DONE]" not in events, f"a failed stream sent [DONE]: {events[-3:]}"
        err = error_of(json.loads(events[-1]))
        assert err, f"the stream's last event is not an error: {events[-1][:200]}"
        assert all(not error_of(json.loads(e)) for e in events[:-1]), "an error event before the last"
        text = text_of(events[:-1])
        assert text.startswith("Hello from"), "the tokens before the fault were not relayed as sent"
        assert len(text) - len("Hello from") <= relayed_at_most, f"{len(text)} characters relayed"
    else:
        assert status == 502, (status, body)
        err = error_of(body)
    assert err.get("code") == "upstream_interrupted", err
    assert any(w in err.get("message", "") for w in words), err


def miner_record(router: Router, miner_id: str) -> dict:
    payload = router.get("/api/v1/miners").json()
    miners = payload if isinstance(payload, list) else payload["miners"]
    return next(m for m in miners if m["id"] == miner_id)


@pytest.mark.parametrize("max_tokens", [5, None], ids=["max_tokens_5", "no_max_tokens"])
@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_blasting_miner_is_cut_with_bounded_memory(router_factory: RouterFactory, miner_factory, stream: bool,
                                                    max_tokens: int | None) -> None:
    # Paced tokens reach the router before the blast, so the reply has started when it is cut.
    miner = miner_factory("blast", fault_after=2, pace=0.2, blast_bytes=65536, blast_seconds=25)
    router = router_factory([("m1", miner, ["fake-model"])])
    assert router.proc is not None
    router.get("/healthz", key=None)
    sampler = PeakRSS(router.proc.pid)
    baseline = sampler.peak
    started = time.monotonic()
    fields = {"max_tokens": max_tokens} if max_tokens else {}
    status, events, body = complete(router, "chat", stream, **fields)
    elapsed = time.monotonic() - started
    peak = sampler.stop()
    # Without max_tokens the absolute cap (max_reply_bytes, 4 MiB by default) may reach the client first.
    assert_told(status, events, body, stream, ("too large",), relayed_at_most=0 if max_tokens else 4 << 20)
    assert elapsed < ANSWER_WITHIN_S, f"the client waited {elapsed:.1f} s"
    assert peak - baseline < RSS_GROWTH_BOUND_MB, f"RSS grew {peak - baseline:.0f} MB (from {baseline:.0f} MB)"
    assert miner.wait_for_disconnect(timeout=5), "the router kept reading the blasting miner"
    # At most the budget (4 MiB of text by default) plus what sat in socket buffers was taken from the miner.
    assert miner.requests[-1].blasted_bytes < 64 << 20
    record = miner_record(router, "m1")
    assert record["consecutive_failures"] == 1 and "too large" in record["last_error"], record


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("api", ["cortensor", "chat"])
def test_stalled_miner_is_ended_by_the_inter_token_timeout(router_factory: RouterFactory, miner_factory,
                                                           stream: bool, api: str) -> None:
    miner = miner_factory("hang_after", fault_after=2, pace=0.05)
    # The inter-token timeout (1 s) ends the stall, not the first-token timeout (10 s) nor the request's (20 s, the
    # old behaviour's wait).
    router = router_factory([("m1", miner, ["fake-model"])],
                            pool={"inter_token_timeout_seconds": 1, "first_token_timeout_seconds": 10})
    started = time.monotonic()
    status, events, body = complete(router, api, stream)
    elapsed = time.monotonic() - started
    assert_told(status, events, body, stream, ("inter-token",))
    assert elapsed < 3, f"a stall was noticed after {elapsed:.1f} s (bound 3 s)"
    assert miner.wait_for_disconnect(timeout=3), "the stalled miner's connection was left open"
    record = miner_record(router, "m1")
    assert record["consecutive_failures"] == 1 and "inter-token" in record["last_error"], record


@pytest.mark.parametrize("api", ["cortensor", "chat", "text"])
def test_failed_stream_ends_with_the_error_not_done(router_factory: RouterFactory, miner_factory, api: str) -> None:
    miner = miner_factory("reset", fault_after=2, pace=0.05)
    router = router_factory([("m1", miner, ["fake-model"])])
    status, events, body = complete(router, api, True)
    assert_told(status, events, body, True, ("connection lost",))
    # A good stream still ends with [DONE].
    miner.set_behaviour("normal")
    status, events, _ = complete(router, api, True)
    assert status == 200 and events[-1] == "[DONE]" and not error_of(json.loads(events[-2]))
