"""The fake miner itself: it must speak OpenAI well enough for the official SDK, and misbehave exactly as told.
These guard the peer the router tests rely on (no router involved)."""

from __future__ import annotations

import json
import socket
import time

import openai
import pytest
import requests

from conftest import sse_events
from fake_miner import DEFAULT_TOKENS, FakeMiner


def client(miner: FakeMiner) -> openai.OpenAI:
    return openai.OpenAI(base_url=miner.url + "/v1", api_key="unused", max_retries=0, timeout=10)


def test_sdk_chat_and_text_against_fake_miner(fake_miner: FakeMiner) -> None:
    c = client(fake_miner)
    assert [m.id for m in c.models.list()] == ["fake-model"]
    chat = c.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "x"}])
    assert chat.choices[0].message.content == "".join(DEFAULT_TOKENS)
    chunks = list(c.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "x"}],
                                            stream=True, stream_options={"include_usage": True}))
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices) == "".join(DEFAULT_TOKENS)
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == len(DEFAULT_TOKENS)
    text = c.completions.create(model="fake-model", prompt="x", max_tokens=2)
    assert text.choices[0].text == "Hello from" and text.choices[0].finish_reason == "length"
    streamed = list(c.completions.create(model="fake-model", prompt="x", stream=True))
    assert streamed[-1].choices[0].finish_reason == "stop"
    assert fake_miner.completion_count == 4
    assert fake_miner.requests[0].body["messages"] == [{"role": "user", "content": "x"}]


def test_pace_spaces_tokens(miner_factory) -> None:
    miner = miner_factory(pace=0.05)
    started = time.monotonic()
    with requests.post(miner.url + "/v1/completions", json={"prompt": "x", "stream": True, "max_tokens": 6},
                       stream=True, timeout=10) as r:
        datas = [d for _, d in sse_events(r)]
    assert time.monotonic() - started >= 0.25
    assert datas[-1] == "[DONE]" and len(datas) == 8


def test_error500_and_garbage(miner_factory) -> None:
    miner = miner_factory("error500")
    r = requests.post(miner.url + "/v1/completions", json={"prompt": "x"}, timeout=10)
    assert r.status_code == 500 and r.json()["error"]["message"]
    miner.set_behaviour("garbage")
    r = requests.post(miner.url + "/v1/completions", json={"prompt": "x"}, timeout=10)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    with requests.post(miner.url + "/v1/completions", json={"prompt": "x", "stream": True}, stream=True,
                       timeout=10) as r:
        datas = [d for _, d in sse_events(r)]
    assert "[DONE]" not in datas
    with pytest.raises(ValueError):
        json.loads(datas[0])


def test_hang_records_the_client_hang_up(miner_factory) -> None:
    miner = miner_factory("hang")
    with pytest.raises(requests.Timeout):
        requests.post(miner.url + "/v1/completions", json={"prompt": "x"}, timeout=0.5)
    assert miner.wait_for_disconnect(5)
    assert requests.get(miner.url + "/v1/models", timeout=5).status_code == 200  # probes still answered


def test_hang_after_and_reset(miner_factory) -> None:
    miner = miner_factory("hang_after", fault_after=2)
    with requests.post(miner.url + "/v1/completions", json={"prompt": "x", "stream": True}, stream=True,
                       timeout=(5, 0.5)) as r:
        got = []
        with pytest.raises(requests.exceptions.ConnectionError):  # read timeout while streaming
            for _, d in sse_events(r):
                got.append(d)
    assert len(got) == 2
    assert miner.wait_for_disconnect(5)
    miner.set_behaviour("reset", fault_after=3)
    got = []
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        with requests.post(miner.url + "/v1/completions", json={"prompt": "x", "stream": True}, stream=True,
                           timeout=5) as r:
            for _, d in sse_events(r):
                got.append(d)
    assert len(got) == 3


def test_slow_first_delays_headers(miner_factory) -> None:
    miner = miner_factory("slow_first", first_token_delay=0.5)
    started = time.monotonic()
    r = requests.post(miner.url + "/v1/completions", json={"prompt": "x"}, timeout=10)
    assert r.status_code == 200 and time.monotonic() - started >= 0.5


def test_control_endpoint(miner_factory) -> None:
    miner = miner_factory()
    r = requests.post(miner.url + "/_control", json={"mode": "error500"}, timeout=5)
    assert r.status_code == 200 and r.json()["mode"] == "error500"
    assert requests.post(miner.url + "/v1/completions", json={"prompt": "x"}, timeout=5).status_code == 500
    assert requests.post(miner.url + "/_control", json={"mode": "nope"}, timeout=5).status_code == 400
    assert requests.get(miner.url + "/_control/stats", timeout=5).json()["requests"] == 1


def test_client_reset_is_seen_during_stream(miner_factory) -> None:
    miner = miner_factory(pace=0.05, stream_repeat=50)
    s = socket.create_connection(("127.0.0.1", miner.port))
    body = json.dumps({"prompt": "x", "stream": True}).encode()
    s.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
              + str(len(body)).encode() + b"\r\n\r\n" + body)
    assert b"200" in s.recv(1024)
    s.close()
    assert miner.wait_for_disconnect(5)
    assert not miner.requests[-1].finished
