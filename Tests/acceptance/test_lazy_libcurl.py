"""libcurl is dlopened on the first upstream request: an idle router maps none of it (nor the ~20 libraries it
pulls in, ~1.8 MB of resident memory), and a libcurl that cannot be loaded fails requests clearly, not the
router."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import Router, RouterFactory
from fake_miner import FakeMiner

CHAT = {"model": "m1", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}


def mapped_libraries(router: Router) -> set[str]:
    assert router.proc is not None
    lines = Path(f"/proc/{router.proc.pid}/maps").read_text().splitlines()
    return {Path(line.split()[-1]).name for line in lines if line.split()[-1].startswith("/")}


def libcurl_mapped(router: Router) -> bool:
    return any(name.startswith("libcurl") for name in mapped_libraries(router))


def test_binary_does_not_link_libcurl(edge_bin: Path) -> None:
    dynamic = subprocess.run(["readelf", "-d", str(edge_bin)], capture_output=True, text=True, check=True).stdout
    needed = [line for line in dynamic.splitlines() if "(NEEDED)" in line]
    assert any("libmicrohttpd" in line for line in needed), dynamic
    assert not [line for line in needed if "libcurl" in line], needed


def test_libcurl_is_loaded_by_the_first_upstream_request(router_factory: RouterFactory,
                                                         fake_miner: FakeMiner) -> None:
    # No miners (so no health probes): the only upstream is a gateway asked for blocks missing here.
    router = router_factory(env={"CORTENSOR_EDGE_IPFS_UPSTREAM_GATEWAYS": fake_miner.url})
    assert router.get("/readyz").status_code == 200
    assert not libcurl_mapped(router), "libcurl mapped before any upstream request"
    missing = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"  # sha2-256 of "hello world"
    assert router.get(f"/ipfs/{missing}?format=raw").status_code == 404  # the fake miner serves no blocks
    assert libcurl_mapped(router)


def test_unloadable_libcurl_fails_requests_not_the_router(router_factory: RouterFactory, fake_miner: FakeMiner,
                                                          tmp_path: Path) -> None:
    broken = tmp_path / "broken-lib"
    broken.mkdir()
    (broken / "libcurl.so.4").write_bytes(b"not an ELF file")
    router = router_factory([("miner-1", fake_miner, ["m1"])], env={"LD_LIBRARY_PATH": str(broken)})
    for _ in range(2):  # the second request gets the same clear answer
        reply = router.post("/v1/chat/completions", CHAT)
        assert reply.status_code == 502, reply.text
        assert "libcurl could not be loaded" in reply.json()["error"]["message"]
    assert router.get("/healthz").status_code == 200
    assert fake_miner.completion_count == 0
