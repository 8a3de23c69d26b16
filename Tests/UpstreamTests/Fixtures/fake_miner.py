#!/usr/bin/env python3
"""A fake OpenAI-compatible miner (llama.cpp-server-like) for cortensor-edge tests.

Stdlib only. Serves GET /v1/models, POST /v1/completions and POST /v1/chat/completions, streamed (SSE,
`"stream": true` in the body) or as one JSON reply, emitting `tokens` words `w0 `, `w1 `, ... one every
`pace_ms` milliseconds. Streams look like llama.cpp's: a first chat chunk with only the role and empty
content, one chunk per token, a final chunk with `finish_reason`, a usage chunk (`choices: []`), `[DONE]`.

Start:  python3 fake_miner.py --port 0 [--mode normal] [--tokens 5] [--pace-ms 10] [--api-key K] [--model M]
        It prints `PORT <n>` on its first stdout line once listening (use --port 0 for a free port).
        Environment defaults: FAKE_MINER_MODE, FAKE_MINER_TOKENS, FAKE_MINER_PACE_MS, FAKE_MINER_N,
        FAKE_MINER_DELAY_MS, FAKE_MINER_API_KEY, FAKE_MINER_MODEL.

Modes (server default via --mode/env, changed at runtime via POST /control, or per request via the query
string, e.g. POST /v1/completions?mode=reset_after&n=2):
  normal       answer normally
  hang         never send response headers (the connection stays open until the client leaves)
  hang_after   stream `n` tokens, then stall forever without closing
  reset_after  stream `n` tokens, then reset the TCP connection (RST)
  garbage_after   stream `n` tokens, then a data line that is not JSON
  truncate_after  stream `n` tokens, then close the connection cleanly without finish_reason or [DONE]
  status500    answer HTTP 500 with an OpenAI error object
  garbage      answer 200 text/event-stream whose data lines are not JSON
  slow_first   send headers and the role chunk at once, wait `delay_ms`, then stream normally
  error_event  stream an OpenAI `{"error": ...}` object as the first data line
  models_down  completions work but GET /v1/models answers 503 (health probes fail)
  models_hang  completions work but GET /v1/models never answers (health probes time out)
  down         every endpoint, /v1/models included, answers 503

Control endpoints (never affected by the mode):
  POST /control        JSON object merged into the settings: mode, n, delay_ms, tokens, pace_ms
  GET  /control/stats  JSON: requests (per path), started, completed, disconnects, active,
                       last_authorization, last_model, settings
  POST /control/reset  zero the counters
A disconnect is counted when the client goes away before the reply was fully written (detected while
writing or, while hanging, by polling the socket).
"""

import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
SETTINGS = {}
STATS = {}


def reset_stats():
    STATS.clear()
    STATS.update(requests={}, started=0, completed=0, disconnects=0, active=0,
                 last_authorization=None, last_model=None)


def bump(key, amount=1):
    with LOCK:
        STATS[key] += amount


class ClientGone(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server_version = "fake-miner/1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    # --- plumbing ---------------------------------------------------------------------------------

    def settings_for_request(self):
        with LOCK:
            settings = dict(SETTINGS)
        query = parse_qs(urlsplit(self.path).query)
        for key, values in query.items():
            settings[key] = values[-1]
        for key in ("n", "delay_ms", "tokens", "pace_ms"):
            settings[key] = int(settings[key])
        return settings

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.write(body)

    def write(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError) as error:
            raise ClientGone() from error

    def client_gone(self):
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def wait(self, seconds):
        """Sleeps, raising ClientGone as soon as the client hangs up."""
        end = time.monotonic() + seconds
        while True:
            if self.client_gone():
                raise ClientGone()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(0.02, left))

    def reset_connection(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    # --- routes -----------------------------------------------------------------------------------

    def count(self, path):
        with LOCK:
            STATS["requests"][path] = STATS["requests"].get(path, 0) + 1

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/control/stats":
            with LOCK:
                snapshot = json.loads(json.dumps(STATS))
                snapshot["settings"] = dict(SETTINGS)
            return self.send_json(200, snapshot)
        self.count(path)
        settings = self.settings_for_request()
        if path == "/v1/models":
            if settings["mode"] == "models_hang":
                try:
                    self.wait(600)
                except ClientGone:
                    bump("disconnects")
                return
            if settings["mode"] in ("models_down", "down"):
                return self.send_json(503, {"error": {"message": "unavailable", "type": "unavailable"}})
            return self.send_json(200, {"object": "list", "data": [
                {"id": settings["model"], "object": "model", "owned_by": "fake-miner"}]})
        self.send_json(404, {"error": {"message": "not found", "type": "not_found"}})

    def do_POST(self):
        path = urlsplit(self.path).path
        raw = self.read_body()
        if path == "/control":
            update = json.loads(raw or b"{}")
            with LOCK:
                SETTINGS.update(update)
            return self.send_json(200, dict(SETTINGS))
        if path == "/control/reset":
            with LOCK:
                reset_stats()
            return self.send_json(200, {})
        self.count(path)
        if path not in ("/v1/completions", "/v1/chat/completions"):
            return self.send_json(404, {"error": {"message": "not found", "type": "not_found"}})
        settings = self.settings_for_request()
        with LOCK:
            STATS["last_authorization"] = self.headers.get("Authorization")
        key = settings.get("api_key")
        if key and self.headers.get("Authorization") != "Bearer " + key:
            return self.send_json(401, {"error": {"message": "invalid api key", "type": "auth"}})
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            return self.send_json(400, {"error": {"message": "invalid JSON", "type": "invalid_request"}})
        with LOCK:
            STATS["last_model"] = request.get("model")
        bump("started")
        bump("active")
        try:
            self.complete(path == "/v1/chat/completions", bool(request.get("stream")), settings)
            bump("completed")
        except ClientGone:
            bump("disconnects")
        finally:
            bump("active", -1)

    # --- completions ------------------------------------------------------------------------------

    def complete(self, chat, stream, settings):
        mode = settings["mode"]
        if mode == "down":
            return self.send_json(503, {"error": {"message": "unavailable", "type": "unavailable"}})
        if mode == "status500":
            return self.send_json(500, {"error": {"message": "model crashed", "type": "server_error"}})
        if mode == "hang":
            self.wait(600)
            return
        words = ["w%d " % i for i in range(settings["tokens"])]
        usage = {"prompt_tokens": 7, "completion_tokens": len(words), "total_tokens": 7 + len(words)}
        if not stream:
            text = "".join(words)
            choice = {"index": 0, "finish_reason": "stop"}
            if chat:
                choice["message"] = {"role": "assistant", "content": text}
            else:
                choice["text"] = text
            obj = "chat.completion" if chat else "text_completion"
            return self.send_json(200, {"id": "fake-1", "object": obj, "model": settings["model"],
                                        "choices": [choice], "usage": usage})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if mode == "garbage":
            self.write(b"data: this is not json\n\n")
            self.wait(0.05)
            self.write(b"data: {broken\n\n")
            return
        if mode == "error_event":
            self.write(b'data: {"error":{"code":500,"message":"context overflow","type":"server_error"}}\n\n')
            return

        def chunk(text=None, finish=None, role=False):
            if chat:
                delta = {"role": "assistant", "content": ""} if role else ({"content": text} if text else {})
                choice = {"index": 0, "delta": delta, "finish_reason": finish}
            else:
                choice = {"index": 0, "text": text or "", "finish_reason": finish}
            obj = "chat.completion.chunk" if chat else "text_completion"
            body = {"id": "fake-1", "object": obj, "model": settings["model"], "choices": [choice]}
            return ("data: %s\n\n" % json.dumps(body)).encode()

        if chat:
            self.write(chunk(role=True))
        if mode == "slow_first":
            self.wait(settings["delay_ms"] / 1000)
        for index, word in enumerate(words):
            if mode == "hang_after" and index == settings["n"]:
                self.wait(600)
                return
            if mode == "garbage_after" and index == settings["n"]:
                self.write(b"data: {broken\n\n")
                return
            if mode == "truncate_after" and index == settings["n"]:
                return  # a clean close (FIN) without a finish reason or [DONE]
            if mode == "reset_after" and index == settings["n"]:
                self.reset_connection()
                raise ClientGone()  # counted as a disconnect: the reply was not completed
            self.wait(settings["pace_ms"] / 1000)
            self.write(chunk(text=word))
        self.write(chunk(finish="length" if len(words) >= 100 else "stop"))
        usage_chunk = {"id": "fake-1", "object": "chat.completion.chunk" if chat else "text_completion",
                       "model": settings["model"], "choices": [], "usage": usage}
        self.write(("data: %s\n\n" % json.dumps(usage_chunk)).encode())
        self.write(b"data: [DONE]\n\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # client resets are expected in these tests
        pass


def watch_parent():
    """Exit when the test process that started us is gone (it may die without stopping us): an orphan would
    keep the test runner's inherited stderr open, and the runner waits for that pipe to close."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    env = os.environ.get
    parser = argparse.ArgumentParser(description="fake OpenAI-compatible miner")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", default=env("FAKE_MINER_MODE", "normal"))
    parser.add_argument("--tokens", type=int, default=int(env("FAKE_MINER_TOKENS", "5")))
    parser.add_argument("--pace-ms", type=int, default=int(env("FAKE_MINER_PACE_MS", "10")))
    parser.add_argument("--n", type=int, default=int(env("FAKE_MINER_N", "2")))
    parser.add_argument("--delay-ms", type=int, default=int(env("FAKE_MINER_DELAY_MS", "1000")))
    parser.add_argument("--api-key", default=env("FAKE_MINER_API_KEY"))
    parser.add_argument("--model", default=env("FAKE_MINER_MODEL", "fake-model"))
    args = parser.parse_args()
    # A parent may spawn us from a thread that blocks signals (e.g. a libdispatch worker): unblock them so
    # SIGTERM/SIGINT stop the server.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    SETTINGS.update(mode=args.mode, tokens=args.tokens, pace_ms=args.pace_ms, n=args.n,
                    delay_ms=args.delay_ms, api_key=args.api_key, model=args.model)
    reset_stats()
    watch_parent()
    server = Server((args.host, args.port), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
