"""Reference answers for LightClientTests' cross-checks, from PyPI's eth-abi, rlp and pycryptodome.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"keccak": [hex, ...]}                      -> {"keccak": [digest hex, ...]}
  {"rlp": [item, ...]}   (item: hex string or list of items)
                                              -> {"rlp": [{"encoded": hex, "decoded": item}, ...]}
  {"checksum": [address hex, ...]}             -> {"checksum": [EIP-55 spelling, ...]}
  {"rlpDecode": [hex, ...]}                   -> {"rlpDecode": [item or null (rejected), ...]}
  {"abi": [{"types": [...], "values": [tagged], "encoded": hex}, ...]}
                                              -> {"abi": [{"encoded": hex, "decoded": canonical}, ...]}
Tagged ABI values: {"uint": "12"}, {"int": "-3"}, {"address": "0x.."}, {"bool": true}, {"bytes": hex},
{"string": text}, {"list": [tagged, ...]}. "decoded" is eth-abi's decoding of *our* encoding in the canonical
text form the Swift side also builds (see canonical()).
"""
import json
import sys

import eth_abi
import eth_utils
import rlp
from Crypto.Hash import keccak


def keccak_hex(data_hex):
    return keccak.new(digest_bits=256, data=bytes.fromhex(data_hex)).hexdigest()


def to_rlp(item):
    return bytes.fromhex(item) if isinstance(item, str) else [to_rlp(x) for x in item]


def from_rlp(obj):
    return obj.hex() if isinstance(obj, bytes) else [from_rlp(x) for x in obj]


def rlp_decode_or_none(data_hex):
    try:
        return from_rlp(rlp.decode(bytes.fromhex(data_hex)))
    except Exception:
        return None


def abi_value(tagged):
    (tag, value), = tagged.items()
    if tag in ("uint", "int"):
        return int(value)
    if tag == "bytes":
        return bytes.fromhex(value)
    if tag == "list":
        return [abi_value(x) for x in value]
    return value  # address (hex text), bool, string


def canonical(value):
    if isinstance(value, bool):
        return "bool:" + ("true" if value else "false")
    if isinstance(value, int):
        return "n:" + str(value)
    if isinstance(value, str):
        return "s:" + value.encode().hex()
    if isinstance(value, bytes):
        return "b:" + value.hex()
    return "l:[" + ",".join(canonical(x) for x in value) + "]"


def abi_case(case):
    encoded = eth_abi.encode(case["types"], [abi_value(v) for v in case["values"]]).hex()
    decoded = eth_abi.decode(case["types"], bytes.fromhex(case["encoded"]))
    return {"encoded": encoded, "decoded": canonical(list(decoded))}


def main():
    request = json.load(sys.stdin)
    answer = {}
    if "keccak" in request:
        answer["keccak"] = [keccak_hex(x) for x in request["keccak"]]
    if "rlp" in request:
        answer["rlp"] = [
            {"encoded": rlp.encode(to_rlp(item)).hex(), "decoded": from_rlp(rlp.decode(rlp.encode(to_rlp(item))))}
            for item in request["rlp"]
        ]
    if "checksum" in request:
        answer["checksum"] = [eth_utils.to_checksum_address(x) for x in request["checksum"]]
    if "rlpDecode" in request:
        answer["rlpDecode"] = [rlp_decode_or_none(x) for x in request["rlpDecode"]]
    if "abi" in request:
        answer["abi"] = [abi_case(case) for case in request["abi"]]
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
