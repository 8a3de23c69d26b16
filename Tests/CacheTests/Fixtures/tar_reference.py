"""Reference reading of CacheTests' tar archives with Python's tarfile (the module ipfshttpclient extracts with).

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"archives": [archive hex, ...]} -> {"members": [[{"name", "type", "size", "linkname", "mode", "data"}, ...]
                                                   or "<error>" (tarfile refused it), ...]}
`type` is tarfile's type character ("0" file, "5" directory, "2" symlink); `data` is a file's bytes in hex.
Archives are read as a stream ("r|"), as ipfshttpclient reads `ipfs get`; headers are checksum-verified.
"""
import io
import json
import sys
import tarfile


def members(archive_hex):
    try:
        out = []
        with tarfile.open(fileobj=io.BytesIO(bytes.fromhex(archive_hex)), mode="r|", errorlevel=2) as archive:
            for member in archive:
                data = archive.extractfile(member).read().hex() if member.isfile() else ""
                out.append({"name": member.name, "type": member.type.decode(), "size": member.size,
                            "linkname": member.linkname, "mode": member.mode, "data": data})
        return out
    except Exception as error:  # noqa: BLE001 - the refusal is the answer
        return f"{type(error).__name__}: {error}"


request = json.load(sys.stdin)
json.dump({"members": [members(archive) for archive in request["archives"]]}, sys.stdout)
