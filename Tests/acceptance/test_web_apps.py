"""What app developers hit first (issue 23), with the clients they use (the openai SDK, LangChain): a client's bad
request is the client's, not the miner's; a busy miner's Retry-After reaches the client; batched prompts; options
the router cannot honour are refused."""

from __future__ import annotations

import json
import threading

import openai

from conftest import DEV_KEY, HTTP_TIMEOUT, Router, RouterFactory
from fake_miner import FakeMiner

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


def echoing_router(router_factory: RouterFactory, miner_factory) -> tuple[Router, FakeMiner]:
    miner = miner_factory(echo_prompt=True)
    return router_factory([("m1", miner, [miner.model])]), miner


def test_batched_prompts_get_one_choice_each_in_prompt_order(router_factory: RouterFactory, miner_factory) -> None:
    router, miner = echoing_router(router_factory, miner_factory)
    client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)
    reply = client.completions.create(model=miner.model, prompt=["first", "second", "third"], max_tokens=8)
    assert [c.index for c in reply.choices] == [0, 1, 2]
    assert [c.text for c in reply.choices] == ['echo:"first"', 'echo:"second"', 'echo:"third"']
    assert reply.usage is not None and reply.usage.prompt_tokens == 15
    # Token arrays, one prompt and several, reach the miner as tokens.
    single = client.completions.create(model=miner.model, prompt=[1, 2, 3])
    assert [c.text for c in single.choices] == ["echo:[1, 2, 3]"]
    several = client.completions.create(model=miner.model, prompt=[[1, 2], [3]])
    assert [(c.index, c.text) for c in several.choices] == [(0, "echo:[1, 2]"), (1, "echo:[3]")]
    # Each prompt is its own task, as a single request would be.
    tasks = router.get("/api/v1/tasks/0").json()
    assert len(tasks if isinstance(tasks, list) else tasks.get("tasks", [])) >= 6


def test_batched_prompts_stream_one_choice_per_prompt(router_factory: RouterFactory, miner_factory) -> None:
    router, miner = echoing_router(router_factory, miner_factory)
    client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)
    chunks = list(client.completions.create(model=miner.model, prompt=["a", "b"], stream=True,
                                            stream_options={"include_usage": True}))
    texts: dict[int, str] = {}
    for chunk in chunks:
        for choice in chunk.choices:
            texts[choice.index] = texts.get(choice.index, "") + choice.text
    assert texts == {0: 'echo:"a"', 1: 'echo:"b"'}
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 2


def test_langchain_batch_and_generate_through_the_router(router_factory: RouterFactory, miner_factory) -> None:
    from langchain_openai import OpenAI

    router, miner = echoing_router(router_factory, miner_factory)
    llm = OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, model=miner.model, max_retries=0, max_tokens=8)
    assert llm.batch(["a", "b"]) == ['echo:"a"', 'echo:"b"']
    result = llm.generate(["x", "y", "z"])
    assert [g[0].text for g in result.generations] == ['echo:"x"', 'echo:"y"', 'echo:"z"']


def test_echo_suffix_and_best_of_are_refused_not_ignored(router_factory: RouterFactory, miner_factory) -> None:
    router, miner = echoing_router(router_factory, miner_factory)
    for field, value in (("echo", True), ("suffix", "tail"), ("best_of", 3)):
        r = router.post("/v1/completions", {"model": miner.model, "prompt": "p", field: value})
        assert r.status_code == 400, (field, r.text)
        assert r.json()["error"]["param"] == field
    assert miner.requests == []


def test_cortensor_answers_name_the_model_not_the_miner(router: Router, fake_miner: FakeMiner) -> None:
    for stream in (False, True):
        r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "hi", "stream": stream})
        assert r.status_code == 200, r.text
        body = r.json() if not stream else json.loads(r.text.split("data: ", 2)[1].split("\n")[0])
        assert body["model"] == fake_miner.model


def test_cortensor_prompt_type_0_uses_the_default_chat_template(router: Router, fake_miner: FakeMiner) -> None:
    r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "hello there", "prompt_type": 0})
    assert r.status_code == 200, r.text
    sent = fake_miner.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert sent.body["messages"] == [{"role": "user", "content": "hello there"}]
    raw = router.post("/api/v1/completions", {"session_id": 0, "prompt": "raw text", "prompt_type": 1})
    assert raw.status_code == 200
    assert fake_miner.requests[-1].body["prompt"] == "raw text"


def test_unknown_sessions_are_404_on_every_route_and_session_0_lists_its_miners(router: Router) -> None:
    assert router.get("/api/v1/sessions/999").status_code == 404
    assert router.get("/api/v1/tasks/999").status_code == 404
    assert router.get("/api/v1/tasks/999/1").status_code == 404
    assert router.get("/api/v1/sessions/0").json()["miners"] == ["m1"]
    listed = router.get("/api/v1/sessions").json()["sessions"]
    assert [s["miners"] for s in listed if s["id"] == 0] == [["m1"]]
