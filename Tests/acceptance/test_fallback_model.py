"""The local fallback model (`[fallback]`): a GGUF model run in the router that answers when no miner can.

The model is the suite's tiny random-weight llama (its text is nonsense; what matters is who answers and how).
"""

from __future__ import annotations

import concurrent.futures
import time
import shutil
import subprocess
from pathlib import Path

import openai
import pytest

from conftest import DEV_KEY, HTTP_TIMEOUT, RouterFactory, free_port, sse_events
from fake_miner import FakeMiner

CHAT = {"model": "any-model", "messages": [{"role": "user", "content": "hello world"}], "max_tokens": 8,
        "temperature": 0, "cache": False}


def fallback_env(model: Path, **extra: str) -> dict[str, str]:
    env = {"CORTENSOR_EDGE_FALLBACK_MODEL": str(model), "CORTENSOR_EDGE_FALLBACK_CHAT_TEMPLATE": "chatml",
           "CORTENSOR_EDGE_FALLBACK_THREADS": "2"}
    env.update({f"CORTENSOR_EDGE_FALLBACK_{k.upper()}": v for k, v in extra.items()})
    return env


def dead_miner() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


def test_answers_when_every_miner_is_down(router_factory: RouterFactory, tiny_gguf: Path) -> None:
    router = router_factory([("miner-1", dead_miner(), ["m1"])], env=fallback_env(tiny_gguf))
    reply = router.post("/v1/chat/completions", CHAT)
    assert reply.status_code == 200, reply.text
    assert reply.headers["X-Cortensor-Miner"] == "local"
    body = reply.json()
    assert body["choices"][0]["message"]["content"]
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 8
    again = router.post("/v1/chat/completions", CHAT).json()
    assert again["choices"][0]["message"]["content"] == body["choices"][0]["message"]["content"]  # greedy


def test_streams_through_the_openai_sdk(router_factory: RouterFactory, tiny_gguf: Path) -> None:
    router = router_factory([("miner-1", dead_miner(), ["m1"])], env=fallback_env(tiny_gguf))
    client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)
    chunks = list(client.chat.completions.create(
        model="m1", messages=[{"role": "user", "content": "hi"}], max_tokens=6, temperature=0, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text and chunks[-1].choices[0].finish_reason == "length"
    completion = client.completions.create(model="m1", prompt="the edge", max_tokens=5, temperature=0)
    assert completion.choices[0].text and completion.usage.completion_tokens == 5


def test_a_healthy_miner_is_preferred(router_factory: RouterFactory, tiny_gguf: Path, fake_miner: FakeMiner) -> None:
    router = router_factory([("miner-1", fake_miner, ["m1"])], env=fallback_env(tiny_gguf))
    for _ in range(3):
        reply = router.post("/v1/chat/completions", {**CHAT, "model": "m1"})
        assert reply.status_code == 200 and reply.headers["X-Cortensor-Miner"] == "miner-1"
    assert fake_miner.completion_count == 3


def test_listed_by_models_and_miners(router_factory: RouterFactory, tiny_gguf: Path) -> None:
    router = router_factory(env=fallback_env(tiny_gguf))
    assert "tiny" in [m["id"] for m in router.get("/v1/models").json()["data"]]
    miners = router.get("/api/v1/miners").json()
    miners = miners["miners"] if isinstance(miners, dict) else miners
    local = [m for m in miners if m["id"] == "local"]
    assert local and local[0]["url"] == "local://tiny"


def test_auto_finds_a_model_in_the_state_directory(router_factory: RouterFactory, tiny_gguf: Path,
                                                   tmp_path: Path) -> None:
    state = tmp_path / "state"
    (state / "models").mkdir(parents=True)
    shutil.copy(tiny_gguf, state / "models" / "tiny.gguf")
    router = router_factory(state_dir=state, env={"CORTENSOR_EDGE_FALLBACK_CHAT_TEMPLATE": "chatml"})
    reply = router.post("/v1/chat/completions", CHAT)
    assert reply.status_code == 200 and reply.headers["X-Cortensor-Miner"] == "local"
    router.stop()  # one serve per state directory (serve.lock)
    off = router_factory(state_dir=state, env={"CORTENSOR_EDGE_FALLBACK_MODEL": "none"})
    assert off.post("/v1/chat/completions", CHAT).status_code == 503


def test_busy_beyond_the_queue(router_factory: RouterFactory, tiny_gguf: Path) -> None:
    router = router_factory(env=fallback_env(tiny_gguf, queue="0", max_tokens="400", context="512"))
    slow = {**CHAT, "max_tokens": 400, "stop": []}
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(pool.map(lambda _: router.post("/v1/chat/completions", slow), range(3)))
    statuses = sorted(r.status_code for r in replies)
    assert statuses[0] == 200 and 503 in statuses, [r.text[:200] for r in replies]
    busy = next(r for r in replies if r.status_code == 503)
    assert busy.json()["error"]["code"] == "miners_busy" and busy.headers["Retry-After"] == "5"


def test_prompt_longer_than_the_context_is_refused(router_factory: RouterFactory, tiny_gguf: Path) -> None:
    router = router_factory(env=fallback_env(tiny_gguf, context="32"))
    long = {**CHAT, "messages": [{"role": "user", "content": "word " * 200}]}
    reply = router.post("/v1/chat/completions", long)
    assert reply.status_code == 502, reply.text
    assert "the prompt is" in reply.json()["error"]["message"] and "context is 32" in reply.json()["error"]["message"]


def test_an_unusable_model_stops_the_start(edge_bin: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 20)
    result = subprocess.run([str(edge_bin), "serve", "--dev", "--port", str(free_port()), "--state-dir",
                             str(tmp_path / "state")], env={"CORTENSOR_EDGE_FALLBACK_MODEL": str(broken)},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "fallback model" in result.stderr and str(broken) in result.stderr, result.stderr


def test_embeddings_match_llama_cpp(router_factory: RouterFactory, tiny_gguf: Path) -> None:
    import llama_cpp
    import numpy as np

    router = router_factory(env=fallback_env(tiny_gguf))
    texts = ["hello world", "the router answers a question from the edge"]
    reply = router.post("/v1/embeddings", {"model": "any", "input": texts})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["model"] == "tiny" and [d["index"] for d in body["data"]] == [0, 1]
    reference = llama_cpp.Llama(str(tiny_gguf), embedding=True, pooling_type=1, verbose=False)  # mean pooling
    for text, item in zip(texts, body["data"]):
        ours, theirs = np.array(item["embedding"]), np.array(reference.embed(text, normalize=True))
        assert ours.shape == (64,) and abs(np.linalg.norm(ours) - 1) < 1e-5
        assert float(np.dot(ours, theirs)) > 0.99999, text
    # The OpenAI SDK asks for base64 by default and decodes it.
    client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)
    sdk = client.embeddings.create(model="any", input=texts[0])
    assert np.allclose(sdk.data[0].embedding, body["data"][0]["embedding"], atol=1e-7)
    assert sdk.usage.prompt_tokens > 0


def test_embeddings_need_a_model_and_a_valid_input(router_factory: RouterFactory, tiny_gguf: Path) -> None:
    without = router_factory(env={"CORTENSOR_EDGE_FALLBACK_MODEL": "none"})
    assert without.post("/v1/embeddings", {"input": "x"}).json()["error"]["code"] == "no_embedding_model"
    router = router_factory(env=fallback_env(tiny_gguf, context="16"))
    for body in ({"input": 3}, {"input": []}, {"input": ["ok", 1]}, {"input": "x", "encoding_format": "int8"},
                 {"input": "word " * 50}):
        reply = router.post("/v1/embeddings", body)
        assert reply.status_code == 400, (body, reply.text)


@pytest.mark.parametrize("reserve, answered_by", [(5, "local"), (0, None)], ids=["reserve", "no-reserve"])
def test_a_hanging_miner_leaves_the_local_model_time_before_the_deadline(
        router_factory: RouterFactory, tiny_gguf: Path, miner_factory, reserve: int, answered_by: str | None) -> None:
    """`pool.fallback_reserve_seconds`: a miner must send its first token before deadline - reserve; then the local
    model answers within the request's deadline. Without the reserve the hanging miner holds the request until the
    deadline passes."""
    hanging = miner_factory("hang")
    router = router_factory([("miner-1", hanging, ["m1"])], env=fallback_env(tiny_gguf),
                            pool={"first_token_timeout_seconds": 120, "fallback_reserve_seconds": reserve})
    started = time.monotonic()
    reply = router.post("/api/v1/completions", {"prompt": "hello", "model": "m1", "timeout": 10, "max_tokens": 4,
                                                "temperature": 0, "cache": False})
    elapsed = time.monotonic() - started
    if answered_by:
        assert reply.status_code == 200, reply.text
        assert reply.headers["X-Cortensor-Miner"] == answered_by
        assert 4 <= elapsed < 10, elapsed  # the miner had its 5 s, the local model answered before the deadline
    else:
        assert reply.status_code in (502, 504), reply.text
        assert elapsed >= 9, elapsed
    assert hanging.completion_count == 1


def test_one_key_flooding_the_local_model_leaves_room_for_another(
        router_factory: RouterFactory, tiny_gguf: Path, edge_bin: Path, tmp_path: Path) -> None:
    """Fair queue (issue 14): key A sends 6 long requests at once to the local model (default queue 4 and
    queue_per_key 2), then key B sends one short request. B is served (200) by the local model; A's requests beyond its
    2 places are refused (503 miners_busy) at once, not queued. (Before, B got 503 miners_busy.)"""
    from test_auth import new_key

    state = tmp_path / "state"
    state.mkdir()
    other_key = new_key(edge_bin, state, "other")
    router = router_factory(state_dir=state, env=fallback_env(tiny_gguf, max_tokens="400", context="512"))
    long = {**CHAT, "max_tokens": 400, "stop": []}

    def flood(index: int) -> int:
        return router.post("/v1/chat/completions", long, timeout=120).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        floods = [pool.submit(flood, i) for i in range(6)]
        # Up to 10 s for A's refusals (at least one on any build) before B asks.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(f.done() and f.result() == 503 for f in floods):
            time.sleep(0.05)
        assert any(f.done() and f.result() == 503 for f in floods), "key A never filled its places"
        b = router.post("/v1/chat/completions", CHAT, key=other_key, timeout=120)
        statuses = sorted(f.result(timeout=180) for f in floods)
    assert b.status_code == 200, b.text
    assert b.headers["X-Cortensor-Miner"] == "local"
    # 2 places for A: 4 refused at once (at least 3 even if A's first request ends before its sixth arrives).
    assert statuses.count(200) >= 2 and statuses.count(503) >= 3 and set(statuses) == {200, 503}, statuses
    # Which of B and A's waiting request runs first is a race here (a release build writes 400 tokens of the tiny
    # model in tens of milliseconds, so A's running request may end before B arrives); the turn order is checked
    # deterministically by FairQueueTests.oneFloodingKeyLeavesRoomAndTheNextTurnToAnother.
