"""A test miner for the Cortensor test contracts: acks a task, optionally precommits, and commits a result.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"rpc": url, "queue": address, "key": hex, "sessionId": n, "taskId": n, "result": text, "precommit": bool}
  -> {"transactions": [hash, ...]}
It talks to the chain only over JSON-RPC (eth_getTransactionCount, eth_gasPrice, eth_sendRawTransaction,
eth_getTransactionReceipt) and signs with eth-account, as a miner node would; a reverted step is an error.
"""
import json
import sys
import urllib.request

from eth_abi import encode
from eth_account import Account
from eth_utils import keccak


def rpc(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        reply = json.loads(response.read())
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


def transact(url, key, to, signature, types, values):
    account = Account.from_key(key)
    fields = {
        "chainId": int(rpc(url, "eth_chainId", []), 16),
        "nonce": int(rpc(url, "eth_getTransactionCount", [account.address, "latest"]), 16),
        "gas": 2_000_000, "maxFeePerGas": 2 * int(rpc(url, "eth_gasPrice", []), 16),
        "maxPriorityFeePerGas": int(rpc(url, "eth_maxPriorityFeePerGas", []), 16),
        "to": to, "value": 0, "data": keccak(text=signature)[:4] + encode(types, values),
    }
    signed = account.sign_transaction(fields)
    transaction_hash = rpc(url, "eth_sendRawTransaction", ["0x" + bytes(signed.raw_transaction).hex()])
    receipt = rpc(url, "eth_getTransactionReceipt", [transaction_hash])
    if receipt is None or receipt["status"] != "0x1":
        raise RuntimeError(f"{signature.split('(')[0]} failed: {receipt}")
    return transaction_hash


def main():
    request = json.load(sys.stdin)
    url, queue, key = request["rpc"], request["queue"], request["key"]
    task = [request["sessionId"], request["taskId"]]
    done = [transact(url, key, queue, "ack(uint256,uint256)", ["uint256", "uint256"], task)]
    if request.get("precommit"):
        done.append(transact(
            url, key, queue, "precommit(uint256,uint256,bytes32,string)", ["uint256", "uint256", "bytes32", "string"],
            task + [keccak(text=request["result"]), ""]))
    done.append(transact(
        url, key, queue, "commit(uint256,uint256,string)", ["uint256", "uint256", "string"], task + [request["result"]]))
    json.dump({"transactions": done}, sys.stdout)


if __name__ == "__main__":
    main()
