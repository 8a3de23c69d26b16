"""Reference DAG-JSON for CacheTests' dag-cbor → dag-json cross-check, from PyPI's dag-cbor and dag-json.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"blocks": [dag-cbor block hex, ...]} -> {"json": [dag-json text of dag_json.encode(dag_cbor.decode(block)),
                                                      or null when either library refuses, ...]}
"""
import json
import sys

import dag_cbor
import dag_json


def reference(block_hex):
    try:
        return dag_json.encode(dag_cbor.decode(bytes.fromhex(block_hex))).decode()
    except Exception:  # noqa: BLE001 - a refusal is the answer
        return None


request = json.load(sys.stdin)
json.dump({"json": [reference(block) for block in request["blocks"]]}, sys.stdout)
