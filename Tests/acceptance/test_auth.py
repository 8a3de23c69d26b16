"""API keys: the dev token, `keys new`, header forms, rejection shapes, per-key rate limits."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import DEV_KEY, HTTP_TIMEOUT, Router, RouterFactory
from fake_miner import FakeMiner


def _assert_cortensor_401(r: requests.Response) -> None:
    assert r.status_code == 401, (r.status_code, r.text)
    body = r.json()
    assert body["status"] == "failed"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def _assert_openai_401(r: requests.Response) -> None:
    assert r.status_code == 401, (r.status_code, r.text)
    err = r.json()["error"]
    assert isinstance(err["message"], str) and err["message"]


def test_dev_token_as_bearer_and_as_x_api_key(router: Router) -> None:
    assert router.get("/api/v1/info").status_code == 200
    r = requests.get(router.url("/api/v1/info"), headers={"X-API-Key": DEV_KEY}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert router.get("/v1/models").status_code == 200
    r = requests.get(router.url("/v1/models"), headers={"X-API-Key": DEV_KEY}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic Zm9vOmJhcg=="},
                                     {"Authorization": "Bearer "}, {"X-API-Key": "ce_notarealkey"}])
def test_missing_or_invalid_key_is_401(router: Router, headers: dict[str, str]) -> None:
    _assert_cortensor_401(requests.get(router.url("/api/v1/info"), headers=headers, timeout=HTTP_TIMEOUT))
    _assert_cortensor_401(requests.post(router.url("/api/v1/completions"), headers=headers,
                                        json={"session_id": 0, "prompt": "hi"}, timeout=HTTP_TIMEOUT))
    _assert_openai_401(requests.get(router.url("/v1/models"), headers=headers, timeout=HTTP_TIMEOUT))
    _assert_openai_401(requests.post(router.url("/v1/chat/completions"), headers=headers,
                                     json={"model": "fake-model", "messages": [{"role": "user", "content": "x"}]},
                                     timeout=HTTP_TIMEOUT))
    assert router.get("/healthz", key=None).status_code == 200


def test_dev_token_rejected_without_dev_flag(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    router = router_factory([("m1", fake_miner, ["fake-model"])], dev=False)
    _assert_cortensor_401(router.get("/api/v1/info"))
    _assert_openai_401(router.get("/v1/models"))
    assert router.get("/healthz", key=None).status_code == 200
    assert requests.get(router.url("/readyz"), timeout=HTTP_TIMEOUT).status_code == 200


def new_key(edge_bin: Path, state_dir: Path, name: str) -> str:
    # The router rejects unknown CORTENSOR_EDGE_* variables, so pass only the one it should see.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    env["CORTENSOR_EDGE_STATE_DIRECTORY"] = str(state_dir)
    out = subprocess.run([str(edge_bin), "keys", "new", "--name", name], env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    keys = re.findall(r"\bce_[A-Za-z0-9_\-]+", out.stdout)
    assert len(keys) == 1, f"expected the key exactly once on stdout, got: {out.stdout!r}"
    assert keys[0] not in out.stderr, "the key must only be printed on stdout"
    return keys[0]


def test_keys_new_creates_a_working_key(router_factory: RouterFactory, fake_miner: FakeMiner, edge_bin: Path,
                                        tmp_path: Path) -> None:
    state = tmp_path / "keyed-state"
    state.mkdir()
    key = new_key(edge_bin, state, "acceptance")
    other = new_key(edge_bin, state, "second")
    assert key != other
    router = router_factory([("m1", fake_miner, ["fake-model"])], dev=False, state_dir=state)
    assert router.get("/api/v1/info", key=key).status_code == 200
    assert router.get("/api/v1/info", key=other).status_code == 200
    r = requests.get(router.url("/v1/models"), headers={"X-API-Key": key}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "hi", "stream": False}, key=key)
    assert r.status_code == 200, r.text
    _assert_cortensor_401(router.get("/api/v1/info", key=DEV_KEY))
    _assert_cortensor_401(router.get("/api/v1/info", key=key[:-1] + ("A" if key[-1] != "A" else "B")))
    # The key is stored as a hash: its text is nowhere in the state directory.
    for path in state.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), f"plaintext key found in {path}"


def test_rate_limit_returns_429_with_retry_after(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    router = router_factory([("m1", fake_miner, ["fake-model"])],
                            env={"CORTENSOR_EDGE_AUTH_RATE_LIMIT_PER_MINUTE": "60",
                                 "CORTENSOR_EDGE_AUTH_RATE_LIMIT_BURST": "3"})
    responses = [router.get("/api/v1/ping") for _ in range(12)]
    codes = [r.status_code for r in responses]
    assert codes[0] == 200, codes
    assert 429 in codes, codes
    assert set(codes) <= {200, 429}, codes
    limited = next(r for r in responses if r.status_code == 429)
    retry_after = limited.headers.get("Retry-After")
    assert retry_after is not None and retry_after.strip().isdigit() and int(retry_after) >= 1, retry_after
    assert limited.json()["status"] == "failed"
    # Health checks are not rate limited, and the server keeps serving.
    assert all(router.get("/healthz", key=None).status_code == 200 for _ in range(5))
