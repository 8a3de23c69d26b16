"""A recording miner that answers with a scripted OpenAI reply: tool calls, several choices, logprobs, refusals,
usage details, a system fingerprint. A real HTTP server (stdlib `ThreadingHTTPServer`) on a free port, so the
router's HTTP client, SSE decoding and budgets run as they do against a real miner.

A script is a function from the request body to a list of chunk payloads (dicts, without the envelope); the
miner sends them as SSE chunks when the body asks to stream and folds them into one JSON reply otherwise (the
way a miner that ignores `stream` would answer), so both decoding paths are tested with the same script."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

Script = Callable[[dict[str, Any]], list[dict[str, Any]]]


def text_script(text: str = "Hello there") -> Script:
    return lambda body: [{"choices": [{"index": 0, "delta": {"role": "assistant", "content": text},
                                       "finish_reason": None}]},
                         {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]


class ScriptedMiner:
    def __init__(self, script: Script, model: str = "fake-model", fingerprint: str = "fp_scripted") -> None:
        self.script = script
        self.model = model
        self.fingerprint = fingerprint
        self.requests: list[dict[str, Any]] = []
        self.force_whole = False  # answer with one JSON body even when asked to stream
        miner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                self._json(200, {"object": "list", "data": [{"id": miner.model, "object": "model"}]})

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                miner.requests.append(body)
                chunks = [miner._envelope(c) for c in miner.script(body)]
                if body.get("stream") and not miner.force_whole:
                    data = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                else:
                    self._json(200, fold(chunks))

            def _json(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _envelope(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": self.model, "system_fingerprint": self.fingerprint, **payload}

    @property
    def last(self) -> dict[str, Any]:
        return self.requests[-1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def fold(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole reply the chunks add up to, as a miner answering without streaming sends it."""
    choices: dict[int, dict[str, Any]] = {}
    usage = None
    for chunk in chunks:
        usage = chunk.get("usage") or usage
        for c in chunk.get("choices", []):
            choice = choices.setdefault(c["index"], {"index": c["index"], "message": {"role": "assistant",
                                                                                        "content": None},
                                                      "logprobs": None, "finish_reason": None})
            message = choice["message"]
            delta = c.get("delta", {})
            if delta.get("content"):
                message["content"] = (message["content"] or "") + delta["content"]
            if delta.get("refusal"):
                message["refusal"] = (message.get("refusal") or "") + delta["refusal"]
            for call in delta.get("tool_calls", []):
                calls = message.setdefault("tool_calls", [])
                while len(calls) <= call["index"]:
                    calls.append({"id": "", "type": "function", "function": {"name": "", "arguments": ""}})
                whole = calls[call["index"]]
                whole["id"] = call.get("id") or whole["id"]
                whole["function"]["name"] = call.get("function", {}).get("name") or whole["function"]["name"]
                whole["function"]["arguments"] += call.get("function", {}).get("arguments", "")
            if c.get("logprobs"):
                lp = choice["logprobs"] or {"content": []}
                lp["content"] += c["logprobs"]["content"]
                choice["logprobs"] = lp
            if c.get("finish_reason"):
                choice["finish_reason"] = c["finish_reason"]
    whole = {**chunks[0], "object": "chat.completion", "choices": [choices[i] for i in sorted(choices)]}
    if usage:
        whole["usage"] = usage
    return whole
