"""Issue 16: models discovered from each miner's GET /v1/models (read when the pool starts and with every health
probe), listed at /v1/models with the miners serving each, shown per miner at /api/v1/miners, used for routing;
an unknown model is a 404 `model_not_found` listing what is available. See docs/pool.md."""

from __future__ import annotations

import time

import openai
import pytest

from conftest import DEV_KEY, HTTP_TIMEOUT, LlamaServer, Router, RouterFactory

MESSAGES = [{"role": "user", "content": "which model"}]


def sdk(router: Router) -> openai.OpenAI:
    return openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)


def miners_when_discovered(router: Router, timeout: float = 15.0) -> dict[str, dict]:
    """/api/v1/miners by id, once no miner's models are unknown any more (the first probe round ran)."""
    deadline = time.monotonic() + timeout
    while True:
        miners = {m["id"]: m for m in router.get("/api/v1/miners").json()["miners"]}
        if all(m["models_source"] != "none" for m in miners.values()) or time.monotonic() > deadline:
            return miners
        time.sleep(0.1)


def test_fake_miners_models_are_discovered_and_routed(router_factory: RouterFactory, miner_factory) -> None:
    alpha = miner_factory(model="alpha")
    beta = miner_factory(model="beta")
    configured = miner_factory(model="beta")  # lists beta, but its configuration says gamma: configuration wins
    router = router_factory([("a", alpha, []), ("b", beta, []), ("c", configured, ["gamma"])])
    miners = miners_when_discovered(router)
    assert {i: (m["models"], m["models_source"]) for i, m in miners.items()} == {
        "a": (["alpha"], "discovered"), "b": (["beta"], "discovered"), "c": (["gamma"], "configured")}
    with sdk(router) as client:
        listed = client.models.list()
        assert sorted(m.id for m in listed) == ["alpha", "beta", "gamma"]
        assert {m.id: m.model_extra["miners"] for m in listed} == {"alpha": ["a"], "beta": ["b"], "gamma": ["c"]}
        for model, miner in [("alpha", "a"), ("beta", "b"), ("gamma", "c"), ("alpha", "a")]:
            raw = client.chat.completions.with_raw_response.create(model=model, messages=MESSAGES)
            assert raw.headers["X-Cortensor-Miner"] == miner
            assert raw.parse().choices[0].message.content
        with pytest.raises(openai.NotFoundError) as info:
            client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    error = info.value.body
    assert error["code"] == "model_not_found", error
    assert all(name in error["message"] for name in ("gpt-4o", "alpha", "beta", "gamma")), error
    assert alpha.completion_count == 2 and beta.completion_count == 1 and configured.completion_count == 1
    streamed = router.post("/v1/chat/completions", {"model": "nope", "messages": MESSAGES, "stream": True})
    assert streamed.status_code == 404 and streamed.json()["error"]["code"] == "model_not_found"


def test_miners_listing_no_models_keep_serving_every_name(router_factory: RouterFactory, miner_factory) -> None:
    """A router whose miners say nothing about their models (no configured list, an empty /v1/models) keeps
    routing whatever model an app names, as before discovery."""
    quiet = miner_factory(list_models=False)
    router = router_factory([("q", quiet, [])])
    time.sleep(0.5)  # the first probe round has run
    miners = miners_when_discovered(router, timeout=1)
    assert miners["q"]["models"] == [] and miners["q"]["models_source"] == "none"
    assert quiet.model_probes >= 1
    with sdk(router) as client:
        assert list(client.models.list()) == []
        reply = client.chat.completions.create(model="whatever-the-app-says", messages=MESSAGES)
        assert reply.choices[0].message.content == quiet.requests[-1].sent_text


def test_llama_server_models_through_the_router(router_factory: RouterFactory, llama_server: LlamaServer) -> None:
    """`serve --miner URL` in front of llama-cpp-python's server: the model it serves is listed (it was `[]`)."""
    router = router_factory(quick_miners=[llama_server.url])
    miners = miners_when_discovered(router, timeout=30)
    (miner,) = miners.values()
    assert miner["models"] == [llama_server.model] and miner["models_source"] == "discovered"
    with sdk(router) as client:
        assert [m.id for m in client.models.list()] == [llama_server.model]
        reply = client.chat.completions.create(model=llama_server.model, messages=MESSAGES, max_tokens=4)
        assert reply.choices[0].message.content is not None
        with pytest.raises(openai.NotFoundError) as info:
            client.chat.completions.create(model="not-" + llama_server.model, messages=MESSAGES, max_tokens=4)
    assert info.value.body["code"] == "model_not_found" and llama_server.model in info.value.body["message"]
