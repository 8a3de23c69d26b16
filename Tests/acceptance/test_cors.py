"""Browsers (issue 23): CORS preflights and headers, checked on the wire and from a real headless Chromium (Debian's
`chromium`, driven by Playwright) whose page, served from another origin, streams a chat answer with a key and
fetches a block from the gateway."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
import requests

from conftest import DEV_KEY, HTTP_TIMEOUT, Router, RouterFactory

APP = "http://app.example"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def preflight(router: Router, path: str, origin: str, method: str = "POST",
              headers: str = "authorization, content-type") -> requests.Response:
    return requests.options(router.url(path), timeout=HTTP_TIMEOUT, headers={
        "Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers})


@pytest.fixture
def cors_router(router_factory: RouterFactory, fake_miner) -> Router:
    return router_factory([("m1", fake_miner, [fake_miner.model])], server={"cors_origins": [APP]})


def test_a_preflight_from_an_allowed_origin_is_answered(cors_router: Router) -> None:
    r = preflight(cors_router, "/v1/chat/completions", APP)
    assert r.status_code == 204, r.text
    assert r.headers["Access-Control-Allow-Origin"] == APP
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"].lower() == "authorization, content-type"
    assert "Origin" in r.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in r.headers
    # The Cortensor API too, with a path parameter.
    assert preflight(cors_router, "/api/v1/completions/0", APP).status_code == 204


def test_a_preflight_from_another_origin_or_for_an_unserved_method_is_refused(cors_router: Router) -> None:
    r = preflight(cors_router, "/v1/chat/completions", "http://evil.example")
    assert r.status_code == 403
    assert "Access-Control-Allow-Origin" not in r.headers
    assert r.json()["error"]["code"] == "origin_not_allowed"
    assert preflight(cors_router, "/v1/chat/completions", APP, method="DELETE").status_code == 403
    assert preflight(cors_router, "/v1/no-such-route", APP).status_code == 404


def test_responses_carry_the_allowed_origin_only(cors_router: Router, fake_miner) -> None:
    body = {"model": fake_miner.model, "messages": [{"role": "user", "content": "hi"}]}
    allowed = cors_router.post("/v1/chat/completions", body, headers={"Origin": APP})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == APP
    assert "Origin" in allowed.headers["Vary"]
    assert "X-Request-Id" in allowed.headers["Access-Control-Expose-Headers"]
    # Errors too: a page must be able to read why its call failed.
    unauthorized = cors_router.post("/v1/chat/completions", body, key=None, headers={"Origin": APP})
    assert unauthorized.status_code == 401
    assert unauthorized.headers["Access-Control-Allow-Origin"] == APP
    other = cors_router.post("/v1/chat/completions", body, headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Origin" not in cors_router.get("/v1/models").headers


def test_the_api_admits_no_origin_by_default_and_the_gateway_any(router: Router) -> None:
    assert preflight(router, "/v1/chat/completions", APP).status_code == 403
    cid = put_block(router, b"public bytes")
    r = router.get(f"/ipfs/{cid}", key=None, headers={"Origin": "http://anyone.example"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    gateway_preflight = preflight(router, f"/ipfs/{cid}", "http://anyone.example", method="GET", headers="range")
    assert gateway_preflight.status_code == 204
    assert gateway_preflight.headers["Access-Control-Allow-Origin"] == "*"


def put_block(router: Router, data: bytes) -> str:
    r = router.post("/api/v0/block/put", files={"file": ("block", data)})
    assert r.status_code == 200, r.text
    return r.json()["Key"]


PAGE = """<!doctype html><html><body><pre id="out">running</pre><script>
async function main() {
  const out = {};
  const chat = await fetch(ROUTER + "/v1/chat/completions", {
    method: "POST",
    headers: {"Authorization": "Bearer " + KEY, "Content-Type": "application/json"},
    body: JSON.stringify({model: MODEL, stream: true, messages: [{role: "user", content: "hi"}]}),
  });
  out.chatStatus = chat.status;
  out.requestId = chat.headers.get("X-Request-Id");
  const reader = chat.body.getReader();
  const decoder = new TextDecoder();
  let sse = "";
  for (;;) { const {done, value} = await reader.read(); if (done) break; sse += decoder.decode(value, {stream: true}); }
  out.text = sse.split("\\n").filter(l => l.startsWith("data: {")).map(l => JSON.parse(l.slice(6)))
    .map(c => (c.choices[0] && c.choices[0].delta.content) || "").join("");
  const block = await fetch(ROUTER + "/ipfs/" + CID, {headers: {"Range": "bytes=0-5"}});
  out.blockStatus = block.status;
  out.block = await block.text();
  document.getElementById("out").textContent = JSON.stringify(out);
}
main().catch(e => { document.getElementById("out").textContent = JSON.stringify({error: String(e)}); });
</script></body></html>"""


@pytest.fixture
def page_server() -> Iterator[tuple[str, dict[str, Any]]]:
    """A plain HTTP server for the test page, on its own port: another origin than the router's."""
    settings: dict[str, Any] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            script = "".join(f"const {k} = {json.dumps(v)};\n" for k, v in settings.items())
            body = PAGE.replace("<script>", "<script>\n" + script, 1).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", settings
    server.shutdown()
    server.server_close()


def test_a_browser_page_streams_a_chat_answer_and_reads_a_block(router_factory: RouterFactory, fake_miner,
                                                                page_server: tuple[str, dict[str, Any]]) -> None:
    from playwright.sync_api import sync_playwright

    page_origin, settings = page_server
    router = router_factory([("m1", fake_miner, [fake_miner.model])], server={"cors_origins": [page_origin]})
    cid = put_block(router, b"block for the browser")
    settings.update(ROUTER=router.url("").rstrip("/"), KEY=DEV_KEY, MODEL=fake_miner.model, CID=cid)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_origin + "/")
            page.wait_for_function("document.getElementById('out').textContent !== 'running'", timeout=60_000)
            result = json.loads(page.inner_text("#out"))
        finally:
            browser.close()
    assert "error" not in result, result
    assert result["chatStatus"] == 200
    assert result["requestId"]  # exposed to the page's script
    assert result["text"] == fake_miner.requests[-1].sent_text
    assert result["blockStatus"] == 206 and result["block"] == "block "
    # The preflight went through the router: the miner saw exactly the one chat request.
    assert len(fake_miner.requests) == 1
