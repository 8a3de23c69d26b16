"""Health, readiness, the Cortensor read endpoints, quick-start flags, metrics."""

from __future__ import annotations

import requests

from conftest import HTTP_TIMEOUT, Router, RouterFactory
from fake_miner import FakeMiner


def _items(payload: object, key: str) -> list[dict]:
    """Clients accept both a bare array and {key: [...]}; so do we."""
    if isinstance(payload, list):
        return payload
    assert isinstance(payload, dict) and isinstance(payload.get(key), list), payload
    return payload[key]


def _session_id(item: dict) -> object:
    if "id" not in item and "session_id" not in item and isinstance(item.get("session"), dict):
        item = item["session"]  # {"session": {...}} is fine too
    return item.get("id", item.get("session_id"))


def test_healthz_needs_no_key(router: Router) -> None:
    r = requests.get(router.url("/healthz"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readyz_when_serving(router: Router) -> None:
    assert requests.get(router.url("/readyz"), timeout=HTTP_TIMEOUT).status_code == 200


def test_cortensor_read_endpoints_return_json(router: Router) -> None:
    for name in ("info", "status", "ping", "about", "miners", "sessions"):
        r = router.get(f"/api/v1/{name}")
        assert r.status_code == 200, (name, r.status_code, r.text)
        assert r.headers["Content-Type"].startswith("application/json"), name
        r.json()


def test_miners_lists_each_configured_miner(router_factory: RouterFactory, miner_factory) -> None:
    a, b = miner_factory(), miner_factory()
    router = router_factory([("alpha", a, ["fake-model"]), ("beta", b, ["fake-model"])])
    miners = _items(router.get("/api/v1/miners").json(), "miners")
    by_id = {m["id"]: m for m in miners}
    assert set(by_id) == {"alpha", "beta"}
    for mid, fake in (("alpha", a), ("beta", b)):
        m = by_id[mid]
        assert m["url"].rstrip("/") == fake.url
        assert isinstance(m["state"], str) and m["state"]
        assert isinstance(m["score"], (int, float))


def test_sessions_lists_default_session_zero(router: Router) -> None:
    sessions = _items(router.get("/api/v1/sessions").json(), "sessions")
    assert 0 in [_session_id(s) for s in sessions] or "0" in [_session_id(s) for s in sessions]
    r = router.get("/api/v1/sessions/0")
    assert r.status_code == 200
    assert str(_session_id(r.json())) == "0"


def test_unknown_session_is_404_in_cortensor_error_shape(router: Router) -> None:
    r = router.get("/api/v1/sessions/999")
    assert r.status_code == 404
    body = r.json()
    assert body["status"] == "failed"
    assert body["error"]["code"] is not None
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_configured_session_is_listed(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    router = router_factory([("m1", fake_miner, ["fake-model"])],
                            sessions=[{"id": 7, "name": "seven", "model": "fake-model", "miners": ["m1"],
                                       "redundancy": 1, "timeout_seconds": 60}])
    r = router.get("/api/v1/sessions/7")
    assert r.status_code == 200, r.text
    assert str(_session_id(r.json())) == "7"
    ids = [str(_session_id(s)) for s in _items(router.get("/api/v1/sessions").json(), "sessions")]
    assert "7" in ids


def test_quick_start_flags_without_config_file(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    router = router_factory(quick_miners=[fake_miner.url])
    miners = _items(router.get("/api/v1/miners").json(), "miners")
    assert [m["url"].rstrip("/") for m in miners] == [fake_miner.url]
    r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "hi", "stream": False, "timeout": 30})
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["text"] == fake_miner.requests[-1].sent_text


def test_metrics_needs_a_key(router: Router) -> None:
    r = requests.get(router.url("/metrics"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 401


def test_metrics_is_prometheus_text(router: Router) -> None:
    router.get("/api/v1/ping")
    r = router.get("/metrics")
    assert r.status_code == 200
    assert "cortensor_edge_requests_total" in r.text
    assert "cortensor_edge_open_connections" in r.text
    for line in r.text.splitlines():
        if line and not line.startswith("#"):
            name_and_labels, _, value = line.rpartition(" ")
            assert name_and_labels, line
            float(value)  # every sample line ends in a number


def test_unknown_route_is_404(router: Router) -> None:
    r = router.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    r = router.get("/definitely/not/here")
    assert r.status_code == 404
    assert router.get("/healthz").status_code == 200
