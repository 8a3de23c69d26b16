"""Reference answers for LightClientTests' cross-checks, from PyPI's eth-abi, rlp and pycryptodome.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"keccak": [hex, ...]}                      -> {"keccak": [digest hex, ...]}
  {"rlp": [item, ...]}   (item: hex string or list of items)
                                              -> {"rlp": [{"encoded": hex, "decoded": item}, ...]}
  {"checksum": [address hex, ...]}             -> {"checksum": [EIP-55 spelling, ...]}
  {"rlpDecode": [hex, ...]}                   -> {"rlpDecode": [item or null (rejected), ...]}
  {"nitroHeaders": {"seed": n, "count": k}}   -> {"nitroHeaders": [eth_getBlockByNumber-shaped header, ...]}
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


SEQUENCER = "0xa4b000000000000000000073657175656e636572"  # Arbitrum's sequencer address, "sequencer" in ASCII


def nitro_header(rng):
    """A header shaped as Arbitrum Nitro's: the send root as extraData; send count, L1 block number and ArbOS
    version packed big-endian into mixHash; difficulty 1; the sequencer as miner; a London base fee. Its hash is
    keccak(rlp(the 16 fields)) as PyPI's rlp and pycryptodome compute it."""
    def data(n):
        return "0x" + bytes(rng.getrandbits(8) for _ in range(n)).hex()

    def quantity(value):
        return hex(value)

    send_root = data(32)
    send_count, l1_block, arbos = rng.randrange(1, 2**24), rng.randrange(15_000_000, 20_000_000), rng.randrange(6, 32)
    mix_hash = "0x" + (send_count.to_bytes(8, "big") + l1_block.to_bytes(8, "big") + arbos.to_bytes(8, "big")
                       + bytes(8)).hex()
    header = {
        "parentHash": data(32), "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
        "miner": SEQUENCER, "stateRoot": data(32), "transactionsRoot": data(32), "receiptsRoot": data(32),
        "logsBloom": data(256), "difficulty": "0x1", "number": quantity(rng.randrange(1, 2**28)),
        "gasLimit": "0x4000000000000", "gasUsed": quantity(rng.randrange(0, 2**24)),
        "timestamp": quantity(rng.randrange(1_600_000_000, 1_800_000_000)), "extraData": send_root,
        "mixHash": mix_hash, "nonce": "0x" + rng.randrange(0, 2**20).to_bytes(8, "big").hex(),
        "baseFeePerGas": quantity(rng.choice([100_000_000, 10_000_000, rng.randrange(1, 2**32)])),
    }
    fields = [bytes.fromhex(header[k][2:].rjust(2, "0")) if k in ("parentHash", "sha3Uncles", "miner", "stateRoot",
              "transactionsRoot", "receiptsRoot", "logsBloom", "extraData", "mixHash", "nonce")
              else int(header[k], 16) for k in ("parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot",
              "receiptsRoot", "logsBloom", "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData",
              "mixHash", "nonce", "baseFeePerGas")]
    header["hash"] = "0x" + keccak_hex(rlp.encode(fields).hex())
    header.update({"sendRoot": send_root, "sendCount": quantity(send_count), "l1BlockNumber": quantity(l1_block),
                   "totalDifficulty": quantity(rng.randrange(1, 2**30)), "size": "0x2d3a", "transactions": [],
                   "uncles": []})
    return header


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
    if "nitroHeaders" in request:
        import random
        rng = random.Random(request["nitroHeaders"]["seed"])
        answer["nitroHeaders"] = [nitro_header(rng) for _ in range(request["nitroHeaders"]["count"])]
    if "abi" in request:
        answer["abi"] = [abi_case(case) for case in request["abi"]]
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
