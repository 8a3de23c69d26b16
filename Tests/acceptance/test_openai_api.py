"""The OpenAI-compatible API, driven by the official `openai` Python SDK, against a fake miner."""

from __future__ import annotations

import json

import openai
import pytest

from conftest import DEV_KEY, HTTP_TIMEOUT, Router, RouterFactory
from fake_miner import FakeMiner

MESSAGES = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}]


def sdk(router: Router, key: str = DEV_KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=router.url("/v1"), api_key=key, max_retries=0, timeout=HTTP_TIMEOUT)


def test_models_lists_the_miners_models(router_factory: RouterFactory, miner_factory) -> None:
    a, b = miner_factory(), miner_factory()
    router = router_factory([("a", a, ["fake-model"]), ("b", b, ["other-model"])])
    ids = {m.id for m in sdk(router).models.list()}
    assert {"fake-model", "other-model"} <= ids


def test_chat_completion(router: Router, fake_miner: FakeMiner) -> None:
    raw = sdk(router).chat.completions.with_raw_response.create(model="fake-model", messages=MESSAGES,
                                                                 max_tokens=32, temperature=0.2, top_p=0.9, seed=7)
    assert raw.headers["X-Cortensor-Miner"] == "m1"
    resp = raw.parse()
    assert resp.object == "chat.completion"
    (choice,) = resp.choices
    assert choice.message.role == "assistant"
    assert choice.message.content == fake_miner.requests[-1].sent_text
    assert choice.finish_reason == "stop"
    assert resp.usage is not None and resp.usage.completion_tokens > 0
    upstream = fake_miner.requests[-1]
    assert upstream.path == "/v1/chat/completions"
    assert upstream.body["messages"] == MESSAGES
    assert upstream.body["max_tokens"] == 32


def test_chat_completion_stream(router: Router, fake_miner: FakeMiner) -> None:
    fake_miner.set_behaviour(pace=0.02)
    chunks = list(sdk(router).chat.completions.create(model="fake-model", messages=MESSAGES, stream=True))
    assert chunks
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == fake_miner.requests[-1].sent_text
    finals = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finals == ["stop"]
    assert chunks[-1].choices and chunks[-1].choices[0].finish_reason == "stop"


def test_chat_stream_include_usage_adds_final_usage_chunk(router: Router, fake_miner: FakeMiner) -> None:
    chunks = list(sdk(router).chat.completions.create(model="fake-model", messages=MESSAGES, stream=True,
                                                      stream_options={"include_usage": True}))
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.completion_tokens > 0
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens
    assert all(c.usage is None for c in chunks[:-1])


def test_chat_stream_header_names_the_miner(router: Router) -> None:
    with sdk(router).chat.completions.with_streaming_response.create(model="fake-model", messages=MESSAGES,
                                                                     stream=True) as resp:
        assert resp.headers["X-Cortensor-Miner"] == "m1"
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        assert list(resp.iter_lines())


def test_text_completion(router: Router, fake_miner: FakeMiner) -> None:
    raw = sdk(router).completions.with_raw_response.create(model="fake-model", prompt="Once upon a time",
                                                            max_tokens=4, stop=["\n"])
    assert raw.headers["X-Cortensor-Miner"] == "m1"
    resp = raw.parse()
    assert resp.object == "text_completion"
    assert resp.choices[0].text == "Hello from the fake"
    assert resp.choices[0].finish_reason == "length"
    upstream = fake_miner.requests[-1]
    assert upstream.path == "/v1/completions"
    assert upstream.body["prompt"] == "Once upon a time"


def test_text_completion_stream(router: Router, fake_miner: FakeMiner) -> None:
    fake_miner.set_behaviour(pace=0.02)
    chunks = list(sdk(router).completions.create(model="fake-model", prompt="Once", stream=True))
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    assert text == fake_miner.requests[-1].sent_text
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_openai_error_shape_for_bad_request(router: Router) -> None:
    r = router.post("/v1/chat/completions", data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    err = r.json()["error"]
    for key in ("message", "type", "param", "code"):
        assert key in err, key
    assert isinstance(err["message"], str) and err["message"]


def test_openai_wrong_type_names_the_field(router: Router) -> None:
    r = router.post("/v1/chat/completions", {"model": "fake-model", "messages": MESSAGES, "max_tokens": "many"})
    assert r.status_code == 400
    err = r.json()["error"]
    assert "max_tokens" in err["message"] or err.get("param") == "max_tokens"
    with pytest.raises(openai.BadRequestError):
        sdk(router).chat.completions.create(model="fake-model", messages="not a list")  # type: ignore[arg-type]


def test_openai_sdk_with_bad_key_gets_authentication_error(router: Router) -> None:
    with pytest.raises(openai.AuthenticationError) as info:
        sdk(router, key="not-a-key").chat.completions.create(model="fake-model", messages=MESSAGES)
    body = info.value.body
    assert isinstance(body, dict) and "message" in body, body  # SDK unwraps {"error": {...}}
    r = router.post("/v1/chat/completions", {"model": "fake-model", "messages": MESSAGES}, key="not-a-key")
    assert r.status_code == 401
    assert set(json.loads(r.text)["error"]) >= {"message", "type", "param", "code"}
