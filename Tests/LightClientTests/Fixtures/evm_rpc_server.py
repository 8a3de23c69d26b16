"""A real EVM (py-evm, latest mainnet rules, in memory) behind a minimal JSON-RPC HTTP server, for LightClientTests.

Genesis funds ACCOUNT with 10**18 wei and nonce 5 under chain id 1337, then three empty blocks are mined.
Prints "<port>" on stdout once listening, then serves until stdin closes (the test process ended).
Answers eth_chainId, eth_blockNumber, eth_getBalance, eth_getTransactionCount (block "latest" or a number).
Requests to /chain/<key>/... go to a private dev chain of that key instead (see evm_devchain.py).
"""
import http.server
import json
import sys
import threading

from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.tools.builder.chain import build, chain_id, disable_pow_check, genesis, latest_mainnet_at, mine_blocks
from evm_devchain import RPCError, dev_chain_result

ACCOUNT = bytes.fromhex("22" * 20)
GENESIS_PARAMS = {"difficulty": 0, "gas_limit": 30_000_000, "nonce": b"\x00" * 8}
CHAIN = build(
    MiningChain,
    latest_mainnet_at(0),
    chain_id(1337),
    disable_pow_check(),
    genesis(db=AtomicDB(), params=GENESIS_PARAMS, state={ACCOUNT: {"balance": 10**18, "nonce": 5, "code": b"", "storage": {}}}),
    mine_blocks(3),
)
LOCK = threading.Lock()


def state_at(tag):
    if tag == "latest":
        header = CHAIN.get_canonical_head()
    else:
        header = CHAIN.get_canonical_block_header_by_number(int(tag, 16))
    return CHAIN.get_vm(header).state


def result(method, params):
    if method == "eth_chainId":
        return hex(CHAIN.chain_id)
    if method == "eth_blockNumber":
        return hex(CHAIN.get_canonical_head().block_number)
    if method == "eth_getBalance":
        return hex(state_at(params[1]).get_balance(bytes.fromhex(params[0][2:])))
    if method == "eth_getTransactionCount":
        return hex(state_at(params[1]).get_nonce(bytes.fromhex(params[0][2:])))
    raise KeyError(method)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        call = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        reply = {"jsonrpc": "2.0", "id": call.get("id")}
        try:
            with LOCK:
                if self.path.startswith("/chain/"):  # A private dev chain per key (evm_devchain.py).
                    reply["result"] = dev_chain_result(self.path, call["method"], call.get("params", []))
                else:
                    reply["result"] = result(call["method"], call.get("params", []))
        except KeyError:
            reply["error"] = {"code": -32601, "message": "method not found"}
        except RPCError as error:
            reply["error"] = {"code": error.code, "message": error.message}
            if error.data is not None:
                reply["error"]["data"] = error.data
        except Exception as error:  # A request the chain rejects (bad signature, invalid transaction...).
            reply["error"] = {"code": -32000, "message": str(error)}
        body = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
