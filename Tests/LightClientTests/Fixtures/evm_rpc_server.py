"""A real EVM (py-evm, latest mainnet rules, in memory) behind a minimal JSON-RPC HTTP server, for LightClientTests.

Genesis funds ACCOUNT with 10**18 wei and nonce 5 under chain id 1337, then three empty blocks are mined.
Prints "<port>" on stdout once listening, then serves until stdin closes (the test process ended).
Answers eth_chainId, eth_blockNumber, eth_getBalance, eth_getTransactionCount (block "latest" or a number).
Requests to /chain/<key>/... go to a private dev chain of that key instead (see evm_devchain.py).

Verified reads (see the section below): with --activity the chain instead holds a contract with storage and blocks
with logs; eth_getBlockByNumber/ByHash, eth_getProof, eth_getBlockReceipts and eth_getTransactionReceipt are
answered, and a URL path starting with /lie-storage, /lie-log, /lie-hash or /lie-fork makes that endpoint lie (a
tampered storage value, an altered log, a header not matching its hash, a self-consistent forged header);
/no-block-receipts lacks eth_getBlockReceipts.
With --cortensor: a chain with the Cortensor test contracts deployed and the calls a router makes (cortensor_chain.py).
"""
import http.server
import json
import sys
import threading

import cortensor_chain

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
    if tag in ("latest", "pending"):  # Every transaction is mined at once: nothing is ever pending.
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
    if method in VERIFY_METHODS:
        return VERIFY_METHODS[method](params)
    return cortensor_chain.result(CHAIN, method, params)


# --- Verified reads (issue 4, item 4): blocks, proofs, receipts, and endpoints that lie ----------------------------
import rlp  # noqa: E402
from eth_keys import keys  # noqa: E402
from eth_utils import big_endian_to_int, keccak  # noqa: E402
from trie import HexaryTrie  # noqa: E402

SENDER_KEY = keys.PrivateKey(b"\x01" * 32)
SENDER = SENDER_KEY.public_key.to_canonical_address()
EMITTER = bytes.fromhex("44" * 20)
STORED_TOPIC = keccak(b"Stored(uint256)")
# Copies the call data to memory, emits it as LOG1(Stored(uint256)) and stores its first word in slot 1.
EMITTER_CODE = (
    bytes.fromhex("366000600037") + b"\x7f" + STORED_TOPIC + bytes.fromhex("366000a1600035600155") + b"\x00"
)


def activity_chain():
    """Genesis with SENDER (keyed) and EMITTER (code, slots 2 = 7 and 3 = 0x1234); block 1 has three type-2 calls
    and one legacy call of EMITTER, block 2 is empty, block 3 has one more call."""
    state = {
        ACCOUNT: {"balance": 10**18, "nonce": 5, "code": b"", "storage": {}},
        SENDER: {"balance": 10**20, "nonce": 0, "code": b"", "storage": {}},
        EMITTER: {"balance": 0, "nonce": 0, "code": EMITTER_CODE, "storage": {2: 7, 3: 0x1234}},
    }
    chain = build(
        MiningChain, latest_mainnet_at(0), chain_id(1337), disable_pow_check(),
        genesis(db=AtomicDB(), params=GENESIS_PARAMS, state=state),
    )
    nonce = 0
    for calls in ([100, 101, 102, "legacy"], [], [300]):
        for value in calls:
            builder = chain.get_vm().get_transaction_builder()
            if value == "legacy":
                tx = builder.create_unsigned_transaction(
                    nonce=nonce, gas_price=10**10, gas=100_000, to=EMITTER, value=0, data=(200).to_bytes(32, "big"))
                tx = tx.as_signed_transaction(SENDER_KEY, chain_id=1337)
            else:
                tx = builder.new_unsigned_dynamic_fee_transaction(
                    chain_id=1337, nonce=nonce, max_priority_fee_per_gas=1, max_fee_per_gas=10**10, gas=100_000,
                    to=EMITTER, value=0, data=value.to_bytes(32, "big"), access_list=[])
                tx = tx.as_signed_transaction(SENDER_KEY)
            chain.apply_transaction(tx)
            nonce += 1
        chain.mine_block()
    return chain


def block_at(tag):
    if tag == "latest":
        header = CHAIN.get_canonical_head()
    else:
        header = CHAIN.get_canonical_block_header_by_number(int(tag, 16))
    return CHAIN.get_block_by_header(header)


def hex_bytes(value):
    return "0x" + bytes(value).hex()


HEADER_JSON_NAMES = {
    "parent_hash": "parentHash", "uncles_hash": "sha3Uncles", "coinbase": "miner", "state_root": "stateRoot",
    "transaction_root": "transactionsRoot", "receipt_root": "receiptsRoot", "bloom": "logsBloom",
    "difficulty": "difficulty", "block_number": "number", "gas_limit": "gasLimit", "gas_used": "gasUsed",
    "timestamp": "timestamp", "extra_data": "extraData", "mix_hash": "mixHash", "nonce": "nonce",
    "base_fee_per_gas": "baseFeePerGas", "withdrawals_root": "withdrawalsRoot", "blob_gas_used": "blobGasUsed",
    "excess_blob_gas": "excessBlobGas", "parent_beacon_block_root": "parentBeaconBlockRoot",
    "requests_hash": "requestsHash",
}


def block_json(block):
    header = block.header
    out = {}
    for name, _ in type(header)._meta.fields:
        value = getattr(header, name)
        if name == "bloom":
            out["logsBloom"] = hex_bytes(value.to_bytes(256, "big"))
        elif isinstance(value, int):
            out[HEADER_JSON_NAMES[name]] = hex(value)
        else:
            out[HEADER_JSON_NAMES[name]] = hex_bytes(value)
    out.update({
        "hash": hex_bytes(header.hash), "size": hex(len(rlp.encode(block))), "totalDifficulty": "0x0",
        "transactions": [hex_bytes(tx.hash) for tx in block.transactions], "uncles": [], "withdrawals": [],
    })
    return out


def get_block_by_number(params):
    try:
        return block_json(block_at(params[0]))
    except Exception:
        return None


def get_block_by_hash(params):
    try:
        return block_json(CHAIN.get_block_by_hash(bytes.fromhex(params[0][2:])))
    except Exception:
        return None


def receipts_json(block):
    receipts = block.get_receipts(CHAIN.chaindb)
    out, log_index = [], 0
    for index, (tx, receipt) in enumerate(zip(block.transactions, receipts)):
        place = {"blockHash": hex_bytes(block.header.hash), "blockNumber": hex(block.number),
                 "transactionHash": hex_bytes(tx.hash), "transactionIndex": hex(index)}
        logs = []
        for log in receipt.logs:
            logs.append(dict(place, address=hex_bytes(log.address), data=hex_bytes(log.data), logIndex=hex(log_index),
                             topics=[hex_bytes(t.to_bytes(32, "big")) for t in log.topics], removed=False))
            log_index += 1
        out.append(dict(place, type=hex(getattr(receipt, "type_id", None) or 0),
                        status="0x1" if receipt.state_root == b"\x01" else "0x0",
                        cumulativeGasUsed=hex(receipt.gas_used), logsBloom=hex_bytes(receipt.bloom.to_bytes(256, "big")),
                        logs=logs, **{"from": hex_bytes(tx.sender), "to": hex_bytes(tx.to)}))
    return out


def get_block_receipts(params):
    try:
        return receipts_json(CHAIN.get_block_by_hash(bytes.fromhex(params[0][2:])))
    except Exception:
        return None


def get_transaction_receipt(params):
    wanted = bytes.fromhex(params[0][2:])
    number, index = CHAIN.chaindb.get_transaction_index(wanted)
    block = CHAIN.get_canonical_block_by_number(number)
    return receipts_json(block)[index]


def proof_nodes(trie, key):
    """The hash-referenced nodes along key's path, RLP-encoded, as eth_getProof lists them."""
    nodes = [rlp.encode(node) for node in trie.get_proof(key)]
    return [hex_bytes(node) for position, node in enumerate(nodes) if position == 0 or len(node) >= 32]


def get_proof(params):
    address = bytes.fromhex(params[0][2:])
    header = block_at(params[2]).header
    state = HexaryTrie(CHAIN.chaindb.db, header.state_root)
    raw = state[keccak(address)]
    nonce, balance, storage_root, code_hash = (
        (big_endian_to_int(raw_field) if i < 2 else raw_field for i, raw_field in enumerate(rlp.decode(raw)))
        if raw else (0, 0, keccak(rlp.encode(b"")), keccak(b"")))
    storage = HexaryTrie(CHAIN.chaindb.db, storage_root)
    slots = []
    for key in params[1]:
        slot_key = keccak(int(key, 16).to_bytes(32, "big"))
        stored = storage[slot_key]
        slots.append({"key": key, "value": hex(big_endian_to_int(rlp.decode(stored)) if stored else 0),
                      "proof": proof_nodes(storage, slot_key)})
    return {"address": params[0], "accountProof": proof_nodes(state, keccak(address)), "balance": hex(balance),
            "codeHash": hex_bytes(code_hash), "nonce": hex(nonce), "storageHash": hex_bytes(storage_root),
            "storageProof": slots}


VERIFY_METHODS = {
    "eth_getBlockByNumber": get_block_by_number, "eth_getBlockByHash": get_block_by_hash, "eth_getProof": get_proof,
    "eth_getBlockReceipts": get_block_receipts, "eth_getTransactionReceipt": get_transaction_receipt,
}


def tamper(path, method, value):
    """What an endpoint at `path` answers instead of `value`: the truth, or the lie its path names."""
    if path.startswith("/no-block-receipts") and method == "eth_getBlockReceipts":
        raise KeyError(method)
    if value is None:
        return value
    if path.startswith("/lie-storage") and method == "eth_getProof":
        for slot in value["storageProof"]:
            slot["value"] = hex(int(slot["value"], 16) + 1)
    elif path.startswith("/lie-log") and method in ("eth_getBlockReceipts", "eth_getTransactionReceipt"):
        for receipt in value if isinstance(value, list) else [value]:
            for log in receipt["logs"]:
                log["data"] = log["data"][:-2] + ("00" if log["data"][-2:] != "00" else "01")
    elif path.startswith("/lie-hash") and method.startswith("eth_getBlockBy"):
        value["stateRoot"] = hex_bytes(keccak(b"forged"))
    elif path.startswith("/lie-fork") and method.startswith("eth_getBlockBy"):
        block = block_at(value["number"])
        forged = block.header.copy(state_root=keccak(b"forged"))
        value["stateRoot"] = hex_bytes(forged.state_root)
        value["hash"] = hex_bytes(forged.hash)
    return value


if "--activity" in sys.argv:
    CHAIN = activity_chain()


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
                    method, params = call["method"], call.get("params", [])
                    reply["result"] = tamper(self.path, method, result(method, params))
        except KeyError:
            reply["error"] = {"code": -32601, "message": "method not found"}
        except RPCError as error:
            reply["error"] = {"code": error.code, "message": error.message}
            if error.data is not None:
                reply["error"]["data"] = error.data
        except cortensor_chain.Reverted as error:
            reply["error"] = {"code": 3, "message": "execution reverted", "data": "0x" + error.output.hex()}
        except Exception as error:  # A request the chain rejects (bad signature, invalid transaction...).
            reply["error"] = {"code": -32000, "message": str(error)}
        body = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    if "--cortensor" in sys.argv[1:]:
        global CHAIN
        CHAIN = cortensor_chain.build_chain(1337, GENESIS_PARAMS, {ACCOUNT: {"balance": 10**18, "nonce": 5, "code": b"", "storage": {}}})
        cortensor_chain.deploy(CHAIN)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
