"""The completion cache through the official OpenAI SDK and the Cortensor API: deterministic requests are answered
from cache (whole and as SSE, X-Cache: HIT, the miner not asked), sampled ones are not, bypass works, bounds evict,
entries survive a restart, and `cache stats|clear` see them."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import requests
from openai import OpenAI

from conftest import DEV_KEY, RouterFactory, auth
from fake_miner import FakeMiner

MESSAGES = [{"role": "user", "content": "Say something cached."}]


def sdk(router: Any) -> OpenAI:
    return OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0)


def chat(router: Any, **kw: Any) -> Any:
    return sdk(router).chat.completions.with_raw_response.create(model="fake-model", messages=MESSAGES, **kw)


def test_deterministic_requests_are_served_from_cache(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    router = router_factory([("m1", fake_miner, ["fake-model"])], env={"CORTENSOR_EDGE_CACHE_ADMIT_AFTER": "1"})
    first = chat(router, temperature=0, max_tokens=16)
    assert first.headers["X-Cache"] == "MISS"
    asked = len(fake_miner.requests)
    second = chat(router, temperature=0, max_tokens=16)
    assert second.headers["X-Cache"] == "HIT" and second.headers["X-Cortensor-Miner"] == "cache"
    assert len(fake_miner.requests) == asked, "a hit never reaches the miner"
    assert second.parse().choices[0].message.content == first.parse().choices[0].message.content
    assert second.parse().usage.completion_tokens == first.parse().usage.completion_tokens
    # The same request streamed replays the miner's chunks as SSE.
    chunks = list(sdk(router).chat.completions.create(model="fake-model", messages=MESSAGES, temperature=0,
                                                       max_tokens=16, stream=True))
    assert len(fake_miner.requests) == asked
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == \
        first.parse().choices[0].message.content
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 1, "chunked, not one blob"
    assert chunks[-1].choices[0].finish_reason == "stop"
    # Other parameters are another key.
    assert chat(router, temperature=0, max_tokens=17).headers["X-Cache"] == "MISS"


def test_sampled_requests_and_bypass_are_not_cached(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    router = router_factory([("m1", fake_miner, ["fake-model"])], env={"CORTENSOR_EDGE_CACHE_ADMIT_AFTER": "1"})
    for _ in range(2):
        assert chat(router, temperature=0.7).headers["X-Cache"] == "MISS"
    chat(router, seed=42)
    assert chat(router, seed=42).headers["X-Cache"] == "HIT", "an explicit seed makes it deterministic"
    bypass = sdk(router).chat.completions.with_raw_response.create(
        model="fake-model", messages=MESSAGES, seed=42, extra_headers={"Cache-Control": "no-cache"})
    assert bypass.headers["X-Cache"] == "MISS"
    body = {"session_id": 0, "prompt": "cortensor", "stream": False, "temperature": 0, "cache": False}
    for _ in range(2):
        response = requests.post(router.url("/api/v1/completions"), json=body, headers=auth(DEV_KEY), timeout=30)
        assert response.status_code == 200 and response.headers["X-Cache"] == "MISS"


def test_popularity_admission_bounds_and_restart(router_factory: RouterFactory, fake_miner: FakeMiner,
                                                 edge_bin: Path, tmp_path: Path) -> None:
    state = tmp_path / "cache-state"
    env = {"CORTENSOR_EDGE_CACHE_MAX_ENTRIES": "2"}
    router = router_factory([("m1", fake_miner, ["fake-model"])], env=env, state_dir=state)
    statuses = [chat(router, temperature=0, max_tokens=5).headers["X-Cache"] for _ in range(3)]
    assert statuses == ["MISS", "MISS", "HIT"], "stored once seen twice (admit_after = 2)"
    for tokens in (6, 7, 8):  # three more popular entries: the bound of 2 evicts the oldest
        chat(router, temperature=0, max_tokens=tokens)
        chat(router, temperature=0, max_tokens=tokens)
    assert chat(router, temperature=0, max_tokens=5).headers["X-Cache"] == "MISS"
    assert chat(router, temperature=0, max_tokens=8).headers["X-Cache"] == "HIT"
    metrics = requests.get(router.url("/metrics"), headers=auth(DEV_KEY), timeout=30).text
    assert 'cortensor_edge_completion_cache_lookups_total{result="hit"}' in metrics
    router.stop()
    clean = {"CORTENSOR_EDGE_STATE_DIRECTORY": str(state)}
    stats = subprocess.run([str(edge_bin), "cache", "stats"], env=clean, capture_output=True, text=True, timeout=30)
    assert stats.returncode == 0 and stats.stdout.startswith("entries 2\n"), stats.stdout + stats.stderr
    again = router_factory([("m1", fake_miner, ["fake-model"])], env=env, state_dir=state)
    assert chat(again, temperature=0, max_tokens=8).headers["X-Cache"] == "HIT", "entries survive a restart"
    again.stop()
    cleared = subprocess.run([str(edge_bin), "cache", "clear"], env=clean, capture_output=True, text=True, timeout=30)
    assert cleared.returncode == 0 and cleared.stdout == "cleared 2 entries\n"
    pins = subprocess.run([str(edge_bin), "ipfs", "pin", "ls"], env=clean, capture_output=True, text=True, timeout=30)
    assert pins.stdout == "", "cleared entries release their blocks"
