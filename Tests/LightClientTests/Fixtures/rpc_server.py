"""Scripted loopback JSON-RPC server for LightClientTests' RPC tests (stdlib only).

Prints "<port>" on stdout once listening, then serves until stdin closes (the test process ended).
POST /<behaviour>/<key>[?chain=0x..&size=N&fail=N] answers per <behaviour>; every POST is counted under <key>.
GET /count/<key> reports that count as a bare integer.
"""
import http.server
import json
import sys
import threading
import time

counts = {}
lock = threading.Lock()

CANNED = {
    "eth_blockNumber": "0x10",
    "eth_getBalance": "0xde0b6b3a7640000",
    "eth_getTransactionCount": "0x7",
    "eth_sendRawTransaction": "0x" + "ab" * 32,
    "eth_getBlockByNumber": {"number": "0x10", "hash": "0x" + "11" * 32, "transactions": []},
    "eth_getLogs": [{"address": "0x" + "22" * 20, "topics": [], "data": "0x"}],
}


def count(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


def answer(call, chain):
    """The reply object for one call."""
    method, params, ident = call.get("method"), call.get("params", []), call.get("id")
    if method == "fail":
        return {"jsonrpc": "2.0", "id": ident, "error": {"code": -32000, "message": "item failed", "data": "0x01"}}
    if method == "eth_chainId":
        return {"jsonrpc": "2.0", "id": ident, "result": chain}
    if method == "eth_call":
        return {"jsonrpc": "2.0", "id": ident, "result": params[0]["data"]}
    if method == "echo":
        return {"jsonrpc": "2.0", "id": ident, "result": params}
    if method in CANNED:
        return {"jsonrpc": "2.0", "id": ident, "result": CANNED[method]}
    return {"jsonrpc": "2.0", "id": ident, "result": method}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "count":
            with lock:
                self.reply(200, str(counts.get(parts[1], 0)).encode(), "text/plain")
        else:
            self.reply(404, b"")

    def do_POST(self):
        path, _, query = self.path.partition("?")
        options = dict(item.split("=", 1) for item in query.split("&") if "=" in item)
        behaviour, key = (path.strip("/").split("/") + [""])[:2]
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        seen = count(key)
        self.act(behaviour, request, options, seen)

    def act(self, behaviour, request, options, seen):
        chain = options.get("chain", "0x1")
        if behaviour == "flaky" and seen <= int(options.get("fail", "1")):
            behaviour = "status500"
        if behaviour == "status500":
            return self.reply(500, b"internal error", "text/plain")
        if behaviour == "status429":
            return self.reply(429, b"slow down", "text/plain")
        if behaviour == "hang":
            time.sleep(float(options.get("seconds", "30")))
            return self.reply(200, b"{}")
        if behaviour == "garbage":
            return self.reply(200, b"<html>not json</html>")
        if behaviour == "huge":
            size = int(options.get("size", "1000000"))
            body = json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "result": "0x" + "00" * size})
            return self.reply(200, body.encode())
        if behaviour == "slow":
            time.sleep(float(options.get("seconds", "0.2")))
        if isinstance(request, list):
            replies = [answer(call, chain) for call in reversed(request)]  # Out of order on purpose.
            if behaviour == "batchmissing":
                replies = replies[1:]
            if behaviour == "batchduplicate":
                replies = replies[1:] + replies[-1:]
            return self.reply(200, json.dumps(replies).encode())
        reply = answer(request, chain)
        if behaviour == "wrongid":
            reply["id"] = (request.get("id") or 0) + 1000
        if behaviour == "rpcerror":
            reply = {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": 3, "message": "execution reverted"}}
        if behaviour == "badquantity":
            reply["result"] = "0x0010"
        self.reply(200, json.dumps(reply).encode())


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
