"""Reference answers for CacheTests' DAG-CBOR cross-checks, from PyPI's dag-cbor and multiformats.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"links": [block hex, ...]} -> {"links": [[binary CID hex, ...] or null (dag_cbor.decode refused it), ...]}
Links are listed depth-first in document order: dag_cbor.decode builds dicts in the block's key order.
"""
import json
import sys

import dag_cbor
from multiformats import CID


def links(value, out):
    if isinstance(value, CID):
        out.append(bytes(value).hex())
    elif isinstance(value, list):
        for item in value:
            links(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            links(item, out)
    return out


def links_or_none(block_hex):
    try:
        value = dag_cbor.decode(bytes.fromhex(block_hex))
    except Exception:
        return None
    return links(value, [])


def main():
    request = json.load(sys.stdin)
    json.dump({"links": [links_or_none(block) for block in request["links"]]}, sys.stdout)


if __name__ == "__main__":
    main()
