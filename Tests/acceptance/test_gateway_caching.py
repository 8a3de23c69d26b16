"""Gateway answers that caches and browsers rely on (issue 23): `Vary: Accept` (one URL answers a file, a raw block
or a CAR), weak and `*` `If-None-Match`, `Accept-Ranges`, multi-range requests served whole, `download=true`, and
RFC 6266 filenames for non-ASCII names."""

from __future__ import annotations

from urllib.parse import quote

from conftest import Router
from test_cors import put_block

RAW = {"Accept": "application/vnd.ipld.raw"}


def test_caches_key_on_accept_and_match_weak_and_any_etags(router: Router) -> None:
    cid = put_block(router, b"cacheable bytes")
    first = router.get(f"/ipfs/{cid}", key=None, headers=RAW)
    assert first.status_code == 200
    assert "Accept" in first.headers["Vary"]
    assert first.headers["Accept-Ranges"] == "bytes"
    etag = first.headers["Etag"]
    for tag in (etag, f"W/{etag}", "*", f'"other", W/{etag}'):
        again = router.get(f"/ipfs/{cid}", key=None, headers={**RAW, "If-None-Match": tag})
        assert again.status_code == 304, tag
    assert router.get(f"/ipfs/{cid}", key=None, headers={**RAW, "If-None-Match": '"other"'}).status_code == 200


def test_a_multi_range_request_gets_the_whole_content(router: Router) -> None:
    cid = put_block(router, b"0123456789")
    r = router.get(f"/ipfs/{cid}", key=None, headers={**RAW, "Range": "bytes=0-1,4-5"})
    assert r.status_code == 200 and r.content == b"0123456789"
    file = router.get(f"/ipfs/{cid}", key=None, headers={"Range": "bytes=0-1,4-5"})
    assert file.status_code == 200 and file.content == b"0123456789"
    assert file.headers["Accept-Ranges"] == "bytes"


def test_download_and_non_ascii_filenames(router: Router) -> None:
    cid = put_block(router, b"report")
    download = router.get(f"/ipfs/{cid}?download=true&filename=report.txt", key=None)
    assert download.headers["Content-Disposition"] == 'attachment; filename="report.txt"'
    name = "résumé 📄.txt"
    inline = router.get(f"/ipfs/{cid}?filename={quote(name)}", key=None)
    disposition = inline.headers["Content-Disposition"]
    assert disposition.isascii()
    assert disposition == f"inline; filename=\"r_sum_ _.txt\"; filename*=UTF-8''{quote(name, safe='')}"
