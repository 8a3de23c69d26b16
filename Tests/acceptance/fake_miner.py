"""A small real OpenAI-compatible HTTP server used as a miner by the acceptance tests and benchmarks.

It speaks `GET /v1/models`, `POST /v1/completions` and `POST /v1/chat/completions` (stream and non-stream,
chunked SSE like llama.cpp's server), emits a fixed token sequence at a set pace, and can be told to misbehave:

  normal       answer normally
  hang         read the request, then send nothing (not even headers) until the client hangs up
  hang_after   send headers and `fault_after` tokens, then stall until the client hangs up
  reset        send headers and `fault_after` tokens, then reset the TCP connection (RST)
  error500     answer 500 with an OpenAI error body
  reject       answer `reject_status` (400) with an OpenAI error body carrying `reject_message` (a client error);
               with `reject_marker` set, only requests whose body contains it (the others are answered normally)
  busy         answer 429 with `Retry-After: retry_after`
  garbage      answer 200 with a body that is neither valid JSON nor valid SSE JSON
  slow_first   wait `first_token_delay` seconds before the first token (before headers), then normal
  blast        stream `fault_after` tokens, then `blast_bytes`-long text deltas as fast as it can, whatever
               `max_tokens` says, until the client hangs up or `blast_seconds` pass (a hostile miner)

Only the completion routes misbehave; `/v1/models` always answers so health probes see a live peer (listing the
miner's model, or nothing with `list_models=False`, as a server that does not say what it serves).
Every completion request is recorded (path, parsed body, headers, the text it sent, whether the client hung up).

In-process: `FakeMiner(mode=...)`, `.url`, `.set_behaviour(...)`, `.requests`, `.wait_for_disconnect()`.
Out of process: `python fake_miner.py --port P --mode normal --pace 0.05`, switch with
`POST /_control {"mode": ..., ...}`, read counters with `GET /_control/stats`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_MODEL = "fake-model"
# The sequence a fake miner generates, one entry per token; includes non-ASCII to check UTF-8 relaying.
DEFAULT_TOKENS = ["Hello", " from", " the", " fake", " miner", ",", " token", " by", " token", " \u00fc\U0001F642", "."]
MODES = ("normal", "hang", "hang_after", "reset", "error500", "reject", "busy", "garbage", "slow_first", "blast")


@dataclass
class Behaviour:
    """How the miner answers completion requests."""

    mode: str = "normal"
    pace: float = 0.0  # seconds between tokens
    fault_after: int = 2  # tokens sent before hang_after / reset
    first_token_delay: float = 5.0  # slow_first: delay before the response starts
    tokens: list[str] = field(default_factory=lambda: list(DEFAULT_TOKENS))
    stream_repeat: int = 1  # repeat the token list this many times (long streams for benchmarks)
    blast_bytes: int = 65536  # blast: length of each text delta
    blast_seconds: float = 30.0  # blast: longest time to keep blasting
    reject_status: int = 400  # reject: the status
    reject_message: str = "the request exceeds the available context size"  # reject: the error message
    reject_marker: str = ""  # reject: refuse only bodies containing this text (others are answered normally)
    echo_prompt: bool = False  # answer "echo:" and the JSON of the request's prompt, as one token (order checks)
    retry_after: str = "7"  # busy: the Retry-After header


@dataclass
class RecordedRequest:
    """One completion request as the miner saw it."""

    path: str
    body: Any
    headers: dict[str, str]
    mode: str
    sent_text: str = ""
    finished: bool = False  # the response was sent in full
    client_disconnected: bool = False
    disconnected_at: float | None = None
    blasted_bytes: int = 0  # blast: text bytes sent after the normal tokens


class _ClientGone(Exception):
    pass


class FakeMiner:
    """A threaded fake miner bound to a free loopback port."""

    def __init__(self, mode: str = "normal", host: str = "127.0.0.1", port: int = 0,
                 model: str = DEFAULT_MODEL, backlog: int | None = None, list_models: bool = True,
                 **behaviour: Any) -> None:
        self.model = model
        self.list_models = list_models
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.behaviour = Behaviour(mode=mode, **behaviour)
        self._check_mode(mode)
        self.requests: list[RecordedRequest] = []
        self.model_probes = 0
        self.stopping = threading.Event()
        miner = self

        class Handler(_Handler):
            fake = miner

        self.server = ThreadingHTTPServer((host, port), Handler, bind_and_activate=False)
        self.server.daemon_threads = True
        if backlog is not None:  # the stdlib listens with a backlog of 5; benchmarks open a thousand at once
            self.server.request_queue_size = backlog
        try:
            self.server.server_bind()
            self.server.server_activate()
        except OSError:
            self.server.server_close()
            raise
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fake-miner-{self.port}", daemon=True)
        self._thread.start()

    @staticmethod
    def _check_mode(mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown fake miner mode {mode!r}; one of {MODES}")

    def set_behaviour(self, mode: str | None = None, **changes: Any) -> None:
        """Switch mode and/or other Behaviour fields for the following requests."""
        with self._lock:
            if mode is not None:
                self._check_mode(mode)
                self.behaviour.mode = mode
            for key, value in changes.items():
                if not hasattr(self.behaviour, key):
                    raise ValueError(f"unknown behaviour field {key!r}")
                setattr(self.behaviour, key, value)

    def current(self) -> Behaviour:
        with self._lock:
            b = self.behaviour
            return dataclasses.replace(b, tokens=list(b.tokens))

    def record(self, req: RecordedRequest) -> None:
        with self._changed:
            self.requests.append(req)
            self._changed.notify_all()

    def mark_disconnected(self, req: RecordedRequest) -> None:
        with self._changed:
            if not req.client_disconnected:
                req.client_disconnected = True
                req.disconnected_at = time.monotonic()
            self._changed.notify_all()

    def mark_finished(self, req: RecordedRequest) -> None:
        with self._changed:
            req.finished = True
            self._changed.notify_all()

    @property
    def completion_count(self) -> int:
        with self._lock:
            return len(self.requests)

    @property
    def disconnects(self) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.client_disconnected)

    def wait_for_requests(self, n: int, timeout: float) -> bool:
        """Wait until at least `n` completion requests arrived."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def wait_for_disconnect(self, timeout: float, index: int = -1) -> bool:
        """Wait until the client of request `index` hung up (the router closed the upstream connection)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if self.requests and self.requests[index].client_disconnected:
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "mode": self.behaviour.mode,
                "requests": len(self.requests),
                "disconnects": sum(1 for r in self.requests if r.client_disconnected),
                "finished": sum(1 for r in self.requests if r.finished),
                "in_flight": sum(1 for r in self.requests if not r.finished and not r.client_disconnected),
                "model_probes": self.model_probes,
            }

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "FakeMiner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeMiner  # set by the subclass made in FakeMiner.__init__

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: pytest shows test output, not access logs

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, BrokenPipeError, socket.timeout, OSError):
            self.close_connection = True

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass

    # ---- plumbing -------------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(length) if length else b""

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _sleep_watching(self, seconds: float, req: RecordedRequest | None) -> None:
        """Sleep, but notice a client hang-up (raises _ClientGone) or miner shutdown early. Uses poll(2), which
        wakes on EOF/reset without busy-waiting and works for any fd number (select(2) stops at 1024)."""
        deadline = time.monotonic() + seconds
        poller = select.poll()
        poller.register(self.connection, select.POLLIN | select.POLLHUP | select.POLLERR)
        while True:
            left = deadline - time.monotonic()
            try:
                events = poller.poll(max(0, int(min(left, 0.25) * 1000)))
            except (OSError, ValueError):
                events = [(0, select.POLLERR)]
            if events:
                try:
                    gone = self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
                except BlockingIOError:
                    gone = False
                except OSError:
                    gone = True
                if gone:
                    if req is not None:
                        self.fake.mark_disconnected(req)
                    raise _ClientGone()
                time.sleep(min(0.02, max(left, 0)))  # pipelined bytes, not a hang-up
            if deadline - time.monotonic() <= 0 or self.fake.stopping.is_set():
                return

    def _write_chunk(self, data: bytes, req: RecordedRequest) -> None:
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        except OSError:
            self.fake.mark_disconnected(req)
            raise _ClientGone()

    def _end_chunks(self, req: RecordedRequest) -> None:
        """The last chunk; the router may have hung up already (it drops a miner at its first bad line)."""
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.fake.mark_disconnected(req)
            raise _ClientGone()

    def _blast(self, req: RecordedRequest, b: Behaviour, frame: Any) -> None:
        """Send `blast_bytes`-long deltas back to back until the client hangs up (raises _ClientGone) or time's up."""
        payload = frame("x" * b.blast_bytes)
        deadline = time.monotonic() + b.blast_seconds
        while time.monotonic() < deadline and not self.fake.stopping.is_set():
            self._write_chunk(payload, req)
            req.blasted_bytes += b.blast_bytes
        self._end_chunks(req)
        self.fake.mark_finished(req)

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0 then close)."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    # ---- routes ---------------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            with self.fake._lock:
                self.fake.model_probes += 1
            listed = [{"id": self.fake.model, "object": "model", "created": 1700000000, "owned_by": "fake-miner"}]
            self._send_json(200, {"object": "list", "data": listed if self.fake.list_models else []})
        elif self.path == "/_control/stats":
            self._send_json(200, self.fake.stats())
        elif self.path in ("/health", "/healthz"):
            self._send_json(200, {"status": "ok"})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        raw = self._read_body()
        if self.path == "/_control":
            try:
                self.fake.set_behaviour(**json.loads(raw or b"{}"))
            except (ValueError, TypeError) as e:
                self._send_json(400, {"error": str(e)})
                return
            self._send_json(200, self.fake.stats())
            return
        path = self.path.split("?")[0].rstrip("/")
        if path not in ("/v1/completions", "/v1/chat/completions"):
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._send_json(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
            return
        behaviour = self.fake.current()
        req = RecordedRequest(path=path, body=body, headers={k.lower(): v for k, v in self.headers.items()},
                              mode=behaviour.mode)
        self.fake.record(req)
        try:
            self._complete(path == "/v1/chat/completions", body, behaviour, req)
        except _ClientGone:
            self.close_connection = True

    def _complete(self, chat: bool, body: Any, b: Behaviour, req: RecordedRequest) -> None:
        if b.mode == "hang":
            self._sleep_watching(3600, req)
            return
        if b.mode == "error500":
            self._send_json(500, {"error": {"message": "fake miner failure", "type": "server_error", "code": 500}})
            self.fake.mark_finished(req)
            return
        if b.mode == "reject" and (not b.reject_marker or b.reject_marker in json.dumps(body)):
            self._send_json(b.reject_status, {"error": {"message": b.reject_message, "code": b.reject_status,
                                                        "type": "exceed_context_size_error"}})
            self.fake.mark_finished(req)
            return
        if b.mode == "busy":
            self._send_json(429, {"error": {"message": "busy", "type": "rate_limit_error"}},
                            {"Retry-After": b.retry_after})
            self.fake.mark_finished(req)
            return
        if b.mode == "slow_first":
            self._sleep_watching(b.first_token_delay, req)

        stream = bool(body.get("stream")) if isinstance(body, dict) else False
        max_tokens = body.get("max_tokens") if isinstance(body, dict) else None
        tokens = b.tokens * max(1, b.stream_repeat)
        if b.echo_prompt and isinstance(body, dict) and "prompt" in body:
            tokens = ["echo:" + json.dumps(body["prompt"])]
        if b.mode == "blast":
            stream = True  # a hostile miner streams whatever it was asked
        if isinstance(max_tokens, int) and max_tokens > 0 and max_tokens < len(tokens) and b.mode != "blast":
            tokens, finish = tokens[:max_tokens], "length"
        else:
            finish = "stop"
        cid = f"{'chatcmpl' if chat else 'cmpl'}-fake{len(self.fake.requests)}"
        created = int(time.time())
        model = body.get("model") or self.fake.model if isinstance(body, dict) else self.fake.model
        usage = {"prompt_tokens": 5, "completion_tokens": len(tokens), "total_tokens": 5 + len(tokens)}

        if b.mode == "garbage":
            if stream:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for junk in (b"data: {not json at all\n\n", b"\x00\xff\xfe garbage \r\n\r\n", b"data: [[[\n\n"):
                    self._write_chunk(junk, req)
                self._end_chunks(req)
            else:
                junk = b"<html>this is not json{{{"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(junk)))
                self.end_headers()
                self.wfile.write(junk)
                self.wfile.flush()
            self.fake.mark_finished(req)
            return

        if not stream:
            if b.mode in ("hang_after", "reset"):
                self._sleep_watching(b.pace * b.fault_after, req)
                if b.mode == "reset":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "4096")
                    self.end_headers()
                    self.wfile.write(b'{"id": "partial", "choices": [')
                    self._reset()
                    self.fake.mark_finished(req)
                else:
                    self._sleep_watching(3600, req)
                return
            self._sleep_watching(b.pace * len(tokens), req)
            text = "".join(tokens)
            req.sent_text = text
            if chat:
                choice = {"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": None,
                          "finish_reason": finish}
                obj = "chat.completion"
            else:
                choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": finish}
                obj = "text_completion"
            self._send_json(200, {"id": cid, "object": obj, "created": created, "model": model,
                                  "choices": [choice], "usage": usage})
            self.fake.mark_finished(req)
            return

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

        def event(payload: Any) -> bytes:
            return b"data: " + json.dumps(payload).encode() + b"\n\n"

        def chunk(text: str | None, finish_reason: str | None, role: bool = False) -> dict[str, Any]:
            if chat:
                delta: dict[str, Any] = {}
                if role:
                    delta["role"] = "assistant"
                if text is not None:
                    delta["content"] = text
                return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]}
            return {"id": cid, "object": "text_completion", "created": created, "model": model,
                    "choices": [{"index": 0, "text": text or "", "logprobs": None, "finish_reason": finish_reason}]}

        if chat:
            self._write_chunk(event(chunk("", None, role=True)), req)
        for i, tok in enumerate(tokens):
            if i > 0 or b.mode != "slow_first":
                self._sleep_watching(b.pace, req)  # the pace also separates the last token from a fault
            if b.mode == "blast" and i == b.fault_after:
                self._blast(req, b, lambda text: event(chunk(text, None)))
                return
            if b.mode in ("hang_after", "reset") and i == b.fault_after:
                if b.mode == "reset":
                    self._reset()
                    self.fake.mark_finished(req)
                else:
                    self._sleep_watching(3600, req)
                return
            self._write_chunk(event(chunk(tok, None)), req)
            req.sent_text += tok
        self._write_chunk(event(chunk(None if chat else "", finish)), req)
        opts = body.get("stream_options") if isinstance(body, dict) else None
        if isinstance(opts, dict) and opts.get("include_usage"):
            self._write_chunk(event({"id": cid, "object": "chat.completion.chunk" if chat else "text_completion",
                                     "created": created, "model": model, "choices": [], "usage": usage}), req)
        self._write_chunk(b"data: [DONE]\n\n", req)
        self._end_chunks(req)
        self.fake.mark_finished(req)


def main() -> None:
    parser = argparse.ArgumentParser(description="OpenAI-compatible fake miner")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", default="normal", choices=MODES)
    parser.add_argument("--pace", type=float, default=0.0, help="seconds between tokens")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the token list N times per stream")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    miner = FakeMiner(mode=args.mode, host=args.host, port=args.port, model=args.model, pace=args.pace,
                      stream_repeat=args.repeat, backlog=2048)
    print(f"fake miner listening on {miner.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        miner.close()


if __name__ == "__main__":
    main()
