"""Loopback HTTP/1.1 server for HTTPClientTests.

Prints "<port> <closed-port>" on stdout once listening, then serves until stdin closes (the test process died).
Endpoints record what they saw under ?id=... ; GET /stats?id=... reports it as JSON.
"""
import http.server
import json
import os
import select
import socket
import struct
import sys
import threading
import time
from urllib.parse import parse_qs, urlparse

stats_lock = threading.Lock()
stats = {}


def record(key, **fields):
    if not key:
        return
    with stats_lock:
        stats.setdefault(key, {"sent": 0, "received": False, "disconnected": False, "done": False}).update(fields)


release_events = {}


def released(key, timeout):
    """Waits until /release?id=key was called; True once it was (False only if the wait timed out)."""
    with stats_lock:
        event = release_events.setdefault(key, threading.Event())
    if not event.wait(timeout):
        raise OSError("release timed out")
    return True


def add_sent(key, count):
    with stats_lock:
        entry = stats.setdefault(key, {"sent": 0, "received": False, "disconnected": False, "done": False})
        entry["sent"] += count


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.route()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def route(self):
        url = urlparse(self.path)
        self.query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.key = self.query.get("id")
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        name = url.path.strip("/").split("/")[0]
        if name != "stats":
            record(self.key, received=True)
        getattr(self, "h_" + name, self.h_missing)()

    def send_json(self, status, value):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def start_chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def wait_for_disconnect(self, limit=30.0):
        """Waits until the client closes the connection; records it."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable:
                try:
                    data = self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    data = b""
                if not data:
                    record(self.key, disconnected=True)
                    break
                time.sleep(0.05)
        self.close_connection = True

    def h_missing(self):
        self.send_json(404, {"error": "no such endpoint"})

    def h_echo(self):
        self.send_json(200, {
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "bodyHex": self.body.hex(),
            "clientPort": self.client_address[1],
        })

    def h_status(self):
        code = int(self.query.get("code", "500"))
        data = b"" if code in (204, 304) else ("status %d" % code).encode()
        self.send_response(code)
        if code not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def h_stream(self):
        chunks = int(self.query.get("chunks", "10"))
        interval = float(self.query.get("interval", "0.05"))
        hold = self.query.get("hold") == "1"
        self.start_chunked()
        try:
            for index in range(chunks):
                self.write_chunk(b"chunk %d\n" % index)
                add_sent(self.key, 1)
                # hold=1: after the first chunk, wait (up to 30 s) until the test calls /release?id=...
                while hold and index == 0 and not released(self.key, timeout=30):
                    pass
                time.sleep(interval)
            self.wfile.write(b"0\r\n\r\n")
            record(self.key, done=True)
        except OSError:
            record(self.key, disconnected=True)
            self.close_connection = True

    def h_release(self):
        with stats_lock:
            release_events.setdefault(self.key, threading.Event()).set()
        self.send_json(200, {"released": True})

    def h_hang(self):
        self.start_chunked()
        self.wait_for_disconnect()

    def h_noresponse(self):
        self.wait_for_disconnect()

    def h_reset(self):
        self.start_chunked()
        self.write_chunk(b"partial body")
        self.wfile.flush()
        time.sleep(0.1)
        # SO_LINGER with a zero timeout turns close() into a TCP reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def h_large(self):
        total = int(self.query.get("bytes", "1048576"))
        chunked = self.query.get("chunked") == "1"
        if chunked:
            self.start_chunked()
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(total))
            self.end_headers()
        block = bytes(range(256)) * 256  # 64 KiB
        remaining = total
        try:
            while remaining > 0:
                piece = block[: min(len(block), remaining)]
                if chunked:
                    self.write_chunk(piece)
                else:
                    self.wfile.write(piece)
                remaining -= len(piece)
                add_sent(self.key, len(piece))
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            record(self.key, done=True)
        except OSError:
            record(self.key, disconnected=True)
            self.close_connection = True

    def h_stats(self):
        with stats_lock:
            entry = dict(stats.get(self.key, {"sent": 0, "received": False, "disconnected": False, "done": False}))
        self.send_json(200, entry)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True


def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def exit_when_parent_goes():
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], closed_port(), flush=True)
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    server.serve_forever()
