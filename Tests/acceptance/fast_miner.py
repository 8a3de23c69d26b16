"""A miner that answers as fast as Python can: asyncio, HTTP/1.1 keep-alive, one static completion per request
written in one send (no Nagle wait). For soaks that need thousands of completions a second; `fake_miner.py`
(one thread per connection, fault modes, request recording) stays the miner for behaviour tests.

Speaks `GET /v1/models`, `POST /v1/completions` and `POST /v1/chat/completions` (non-stream only). Counts what it
answered in `answered`."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

MODEL = "fast-model"


def _reply(status: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


MODELS = _reply("200 OK", json.dumps({"object": "list", "data": [{"id": MODEL, "object": "model"}]}).encode())
COMPLETION = _reply("200 OK", json.dumps({
    "id": "cmpl-fast", "object": "text_completion", "created": 1, "model": MODEL,
    "choices": [{"index": 0, "text": "Hello from the fast miner.", "logprobs": None, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 4, "completion_tokens": 6, "total_tokens": 10}}).encode())
CHAT = _reply("200 OK", json.dumps({
    "id": "chatcmpl-fast", "object": "chat.completion", "created": 1, "model": MODEL,
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello from the fast miner."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 4, "completion_tokens": 6, "total_tokens": 10}}).encode())
NOT_FOUND = _reply("404 Not Found", b'{"error": "not found"}')


class FastMiner:
    """Listens on 127.0.0.1 on a free port in a thread of its own until `close`."""

    model = MODEL

    def __init__(self) -> None:
        self.answered = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path = lines[0].split(" ")[:2]
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length:
                    await reader.readexactly(length)
                if method == "GET" and path.rstrip("/") in ("/v1/models", "/models"):
                    writer.write(MODELS)
                elif method == "POST" and path == "/v1/completions":
                    self.answered += 1
                    writer.write(COMPLETION)
                elif method == "POST" and path == "/v1/chat/completions":
                    self.answered += 1
                    writer.write(CHAT)
                else:
                    writer.write(NOT_FOUND)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
