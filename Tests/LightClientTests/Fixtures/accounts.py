"""Reference answers for LightClientTests' key, signature, transaction and keystore cross-checks, from PyPI's
eth-account and eth-keys.

Reads one JSON request on stdin, writes one JSON answer on stdout. Keys, messages, hashes and raw transactions
are hex without 0x; integers are decimal strings.
  {"keys": [key, ...]}                           -> {"keys": [{"address": EIP-55, "publicKey": 64-byte hex}]}
  {"personal": [{"key", "message"}]}             -> {"personal": [65-byte signature]}
  {"recoverPersonal": [{"message", "signature"}]} -> {"recoverPersonal": [address]}
  {"typed": [{"key", "data": JSON text}]}        -> {"typed": [{"digest", "signature"}]}
  {"transactions": [{"key", "tx": {...}}]}       -> {"transactions": [{"raw", "hash"}]}
  {"decode": [raw, ...]}                         -> {"decode": [{"sender", "hash", "fields": {...}}]}
  {"encrypt": [{"key", "password", "kdf", "iterations"}]} -> {"encrypt": [keystore JSON text]}
  {"decrypt": [{"keystore": JSON text, "password"}]}      -> {"decrypt": [key]}
"""
import json
import sys

import rlp
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_defunct, encode_typed_data
from eth_account.typed_transactions import TypedTransaction
from eth_keys import keys
from eth_utils import keccak
from hexbytes import HexBytes

INT_FIELDS = ("nonce", "gasPrice", "gas", "value", "chainId", "maxPriorityFeePerGas", "maxFeePerGas")


def key_info(key_hex):
    private = keys.PrivateKey(bytes.fromhex(key_hex))
    return {"address": private.public_key.to_checksum_address(), "publicKey": private.public_key.to_bytes().hex()}


def sign_personal(case):
    signed = Account.sign_message(encode_defunct(primitive=bytes.fromhex(case["message"])), "0x" + case["key"])
    return signed.signature.hex().removeprefix("0x")


def recover_personal(case):
    message = encode_defunct(primitive=bytes.fromhex(case["message"]))
    return Account.recover_message(message, signature=bytes.fromhex(case["signature"]))


def sign_typed(case):
    data = json.loads(case["data"])
    digest = _hash_eip191_message(encode_typed_data(full_message=data)).hex()
    signed = Account.sign_typed_data("0x" + case["key"], full_message=data)
    return {"digest": digest.removeprefix("0x"), "signature": signed.signature.hex().removeprefix("0x")}


def transaction_dict(tx):
    result = {k: int(v) for k, v in tx.items() if k in INT_FIELDS}
    result["data"] = "0x" + tx["data"]
    if tx.get("to"):
        result["to"] = tx["to"]
    if "accessList" in tx:
        result["type"] = 2
        result["accessList"] = [
            {"address": entry["address"], "storageKeys": ["0x" + key for key in entry["storageKeys"]]}
            for entry in tx["accessList"]
        ]
    return result


def sign_transaction(case):
    signed = Account.sign_transaction(transaction_dict(case["tx"]), "0x" + case["key"])
    return {"raw": signed.raw_transaction.hex().removeprefix("0x"), "hash": signed.hash.hex().removeprefix("0x")}


def plain_hex(value):
    """eth-account's decoded fields come as bytes, hex text or (storage keys) integers."""
    if isinstance(value, int):
        return value.to_bytes(32, "big").hex()
    return bytes(value).hex() if isinstance(value, (bytes, bytearray)) else value.lower().removeprefix("0x")


def decode(raw_hex):
    raw = bytes.fromhex(raw_hex)
    sender = Account.recover_transaction(raw)
    if raw[0] == 2:
        fields = TypedTransaction.from_bytes(HexBytes(raw)).as_dict()
        out = {k: str(fields[k]) for k in INT_FIELDS if k in fields}
        out["to"] = plain_hex(fields["to"]) if fields.get("to") else ""
        out["data"] = plain_hex(fields["data"])
        out["v"] = str(fields["v"])
        out["accessList"] = [
            {"address": plain_hex(e["address"]), "storageKeys": [plain_hex(k) for k in e["storageKeys"]]}
            for e in fields["accessList"]
        ]
    else:
        items = rlp.decode(raw)
        names = ("nonce", "gasPrice", "gas", "to", "value", "data", "v", "r", "s")
        out = {name: str(int.from_bytes(item, "big")) for name, item in zip(names, items)}
        out["to"] = items[3].hex()
        out["data"] = items[5].hex()
    return {"sender": sender, "hash": keccak(raw).hex(), "fields": out}


def encrypt(case):
    keystore = Account.encrypt("0x" + case["key"], case["password"], kdf=case["kdf"], iterations=case["iterations"])
    return json.dumps(keystore)


def decrypt(case):
    return bytes(Account.decrypt(case["keystore"], case["password"])).hex()


HANDLERS = {
    "keys": key_info,
    "personal": sign_personal,
    "recoverPersonal": recover_personal,
    "typed": sign_typed,
    "transactions": sign_transaction,
    "decode": decode,
    "encrypt": encrypt,
    "decrypt": decrypt,
}


def main():
    request = json.load(sys.stdin)
    json.dump({name: [HANDLERS[name](case) for case in cases] for name, cases in request.items()}, sys.stdout)


if __name__ == "__main__":
    main()
