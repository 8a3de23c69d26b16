"""Hostile and broken input gets the right 4xx with a clear message, and the server keeps serving."""

from __future__ import annotations

import socket

import pytest
import requests

from conftest import HTTP_TIMEOUT, Router, RouterFactory
from fake_miner import FakeMiner

COMPLETION_ROUTES = ["/api/v1/completions", "/api/v1/completions/0", "/v1/chat/completions", "/v1/completions"]


def assert_still_serving(router: Router) -> None:
    assert router.get("/healthz", key=None).status_code == 200
    r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "still there?", "stream": False})
    assert r.status_code == 200, r.text


def error_message(route: str, r: requests.Response) -> str:
    body = r.json()
    if route.startswith("/api/"):
        assert body["status"] == "failed", body
        return body["error"]["message"]
    return body["error"]["message"]


@pytest.fixture
def small_body_router(router_factory: RouterFactory, fake_miner: FakeMiner) -> Router:
    return router_factory([("m1", fake_miner, ["fake-model"])],
                          env={"CORTENSOR_EDGE_SERVER_MAX_BODY_BYTES": "4096"})


@pytest.mark.parametrize("route", COMPLETION_ROUTES)
def test_body_over_the_limit_is_413(small_body_router: Router, route: str) -> None:
    big = '{"session_id": 0, "model": "fake-model", "prompt": "' + "x" * 20000 + '"}'
    r = small_body_router.post(route, data=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert_still_serving(small_body_router)


def test_body_over_the_limit_in_config_file_is_413(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    router = router_factory([("m1", fake_miner, ["fake-model"])], server={"max_body_bytes": 2048})
    r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "y" * 5000})
    assert r.status_code == 413
    r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "y" * 500})
    assert r.status_code == 200, r.text


def test_oversized_chunked_body_is_413(small_body_router: Router) -> None:
    def gen():
        for _ in range(40):
            yield b'"' + b"z" * 1000 + b'",'

    try:
        r = small_body_router.post("/api/v1/completions", data=gen(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
    except requests.ConnectionError:
        pass  # closing the connection on an oversized upload is also acceptable
    assert_still_serving(small_body_router)


@pytest.mark.parametrize("route", COMPLETION_ROUTES)
@pytest.mark.parametrize("payload", ['{"session_id": 0, "prompt": "hi"', "not json", '{"a":}', "\xff\xfe", ""])
def test_malformed_json_is_400(router: Router, route: str, payload: str) -> None:
    r = router.post(route, data=payload.encode("latin-1"), headers={"Content-Type": "application/json"})
    assert r.status_code == 400, (route, payload, r.status_code, r.text)
    assert error_message(route, r)
    assert_still_serving(router)


@pytest.mark.parametrize("route", COMPLETION_ROUTES)
def test_deeply_nested_json_is_400(router: Router, route: str) -> None:
    r = router.post(route, data="[" * 10000, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    r = router.post(route, data='{"prompt": ' + '{"a": ' * 5000 + "1" + "}" * 5001,
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert_still_serving(router)


@pytest.mark.parametrize("field,value", [
    ("max_tokens", "ten"), ("temperature", "hot"), ("stream", "yes"), ("prompt", 42), ("session_id", "zero"),
    ("timeout", [60]), ("top_k", 1.5), ("stop", 7), ("top_p", {"p": 1}),
])
def test_wrong_type_names_the_field(router: Router, field: str, value: object) -> None:
    body = {"session_id": 0, "prompt": "hi", "stream": False, field: value}
    r = router.post("/api/v1/completions", body)
    assert r.status_code == 400, (field, r.status_code, r.text)
    assert field in error_message("/api/v1/completions", r)
    assert_still_serving(router)


@pytest.mark.parametrize("payload", ['{"session_id": 0}', "[1, 2, 3]", '"just a string"', "null", "42"])
def test_missing_prompt_or_non_object_body_is_400(router: Router, payload: str) -> None:
    r = router.post("/api/v1/completions", data=payload, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, (payload, r.status_code, r.text)
    assert error_message("/api/v1/completions", r)


def test_openai_missing_messages_is_400(router: Router) -> None:
    r = router.post("/v1/chat/completions", {"model": "fake-model"})
    assert r.status_code == 400
    assert "messages" in r.json()["error"]["message"] or r.json()["error"].get("param") == "messages"


@pytest.mark.parametrize("method,path", [("GET", "/nope"), ("GET", "/api/v1/nope"), ("POST", "/v1/nope"),
                                         ("GET", "/api/v1/completions/0/extra/segments"), ("DELETE", "/healthz/x")])
def test_unknown_route_is_404(router: Router, method: str, path: str) -> None:
    r = requests.request(method, router.url(path), headers={"Authorization": "Bearer default-dev-token"},
                         timeout=HTTP_TIMEOUT)
    assert r.status_code == 404, (method, path, r.status_code)
    assert_still_serving(router)


def test_garbage_bytes_on_the_socket(router: Router) -> None:
    for junk in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64, b"GET\r\n\r\n",
                 b"POST /api/v1/completions HTTP/1.1\r\nContent-Length: -5\r\n\r\n", b"X" * 70000 + b"\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", router.port), timeout=HTTP_TIMEOUT) as s:
            try:
                s.sendall(junk)
                s.shutdown(socket.SHUT_WR)
                s.recv(4096)
            except OSError:
                pass
    assert_still_serving(router)


def test_oversized_headers_are_rejected(router: Router) -> None:
    try:
        r = requests.get(router.url("/api/v1/ping"), headers={"Authorization": "Bearer default-dev-token",
                                                              "X-Big": "h" * 100_000}, timeout=HTTP_TIMEOUT)
        assert 400 <= r.status_code < 500
    except requests.ConnectionError:
        pass  # dropping the connection is acceptable for a header flood
    assert_still_serving(router)
