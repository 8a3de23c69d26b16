"""Hostile clients cannot take the router down: half-open and slow connections, keyless and oversized bodies,
ambiguous framing. Every loop is bounded (counts and seconds in each test)."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import Router, RouterFactory
from fake_miner import FakeMiner


def peak_rss_mb(router: Router) -> float:
    """The router's peak resident set (VmHWM) so far, in MB."""
    assert router.proc is not None
    for line in open(f"/proc/{router.proc.pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def healthz_within(router: Router, seconds: float) -> float:
    """Time for a fresh connection's /healthz; fails past `seconds`."""
    started = time.monotonic()
    r = requests.get(router.url("/healthz"), headers={"Connection": "close"}, timeout=seconds)
    assert r.status_code == 200
    return time.monotonic() - started


def assert_completion_served(router: Router) -> None:
    r = router.post("/api/v1/completions", {"session_id": 0, "prompt": "still there?", "stream": False}, timeout=5)
    assert r.status_code == 200, r.text


def connect_from(source: str, port: int) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def test_half_open_connections_free_their_slots(router: Router) -> None:
    # 2,000 clients each send part of a request line and close: before, each left a socket in CLOSE-WAIT holding a
    # connection slot for the 60 s idle timeout, and /healthz was unreachable for a minute.
    for _ in range(2000):
        with socket.create_connection(("127.0.0.1", router.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    assert healthz_within(router, 1.0) < 1.0
    assert_completion_served(router)
    assert router.wait_open_connections_at_most(1, timeout=5) <= 1


@pytest.mark.parametrize("per_ip_limit", [None, 0], ids=["default-per-ip-limit", "per-ip-limit-off"])
def test_slow_connections_from_one_address_do_not_block_others(router_factory: RouterFactory,
                                                              fake_miner: FakeMiner,
                                                              per_ip_limit: int | None) -> None:
    # 1,100 connections from 127.0.0.2 that send half a head and stall. With the default per-IP limit most are
    # refused at once; with it off they fill every slot, and the longest-waiting is shed for each newcomer.
    server = {} if per_ip_limit is None else {"per_ip_connection_limit": per_ip_limit}
    router = router_factory([("m1", fake_miner, [fake_miner.model])], server=server)
    slow: list[socket.socket] = []
    try:
        for _ in range(1100):
            try:
                s = connect_from("127.0.0.2", router.port)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                slow.append(s)
            except OSError:
                pass  # refused or reset at once: also fine
        assert healthz_within(router, 1.0) < 1.0
        assert_completion_served(router)
    finally:
        for s in slow:
            s.close()


def test_slow_head_is_cut_at_the_head_timeout(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    router = router_factory([("m1", fake_miner, [fake_miner.model])], server={"head_timeout_seconds": 1})
    with socket.create_connection(("127.0.0.1", router.port), timeout=10) as s:
        started = time.monotonic()
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        for _ in range(5):  # a byte a second would keep it alive for ever against an idle timeout alone
            time.sleep(0.4)
            try:
                s.sendall(b"X")
            except OSError:
                break
        assert s.recv(100) == b""
        assert time.monotonic() - started < 4.0


def test_keyless_bodies_are_refused_before_they_are_read(router: Router) -> None:
    # 1,000 keyless clients, 200 at a time, each announcing and sending 1 MB: each is answered 401 from its head
    # and its connection closed, so the router never holds their bodies (before: RSS 20 MB -> 1.06 GB).
    body = b"x" * (1 << 20)
    head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    statuses: list[int] = []
    lock = threading.Lock()

    def attack(_: int) -> None:
        with socket.create_connection(("127.0.0.1", router.port), timeout=10) as s:
            try:
                s.sendall(head + body)
            except OSError:
                pass  # the router answered and closed before the body went out
            try:
                reply = s.recv(64)
            except OSError:
                return
            if reply.startswith(b"HTTP/1.1 "):
                with lock:
                    statuses.append(int(reply[9:12]))

    with ThreadPoolExecutor(max_workers=200) as pool:
        list(pool.map(attack, range(1000)))
    assert statuses and set(statuses) == {401}, set(statuses)
    assert peak_rss_mb(router) < 64, f"peak RSS {peak_rss_mb(router):.1f} MB"
    assert_completion_served(router)


def test_keyed_bodies_share_one_bounded_budget(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    # 200 keyed clients at once, each announcing 1 MB and sending it slowly, against an 8 MB budget: at most eight
    # bodies are held; the rest get 503 with Retry-After at once, from their heads.
    router = router_factory([("m1", fake_miner, [fake_miner.model])],
                            server={"max_buffered_body_bytes": 8 << 20})
    head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer default-dev-token\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (1 << 20))
    held: list[socket.socket] = []
    refused = 0
    try:
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", router.port), timeout=5)
            s.sendall(head + b"{" + b" " * 4096)
            held.append(s)
        time.sleep(0.5)
        for s in held:
            s.setblocking(False)
            try:
                reply = s.recv(200)
            except BlockingIOError:
                continue
            if reply.startswith(b"HTTP/1.1 503"):
                assert b"Retry-After: 1" in reply
                refused += 1
        assert refused >= 190, refused
        assert peak_rss_mb(router) < 64, f"peak RSS {peak_rss_mb(router):.1f} MB"
        assert healthz_within(router, 1.0) < 1.0
    finally:
        for s in held:
            s.close()
    assert_completion_served(router)


def test_keyless_routes_cannot_hold_bodies(router_factory: RouterFactory, fake_miner: FakeMiner) -> None:
    # /ipfs/ needs no key: 100 GETs each announcing 1 MB (and sending none of it) against an 8 MB body budget would
    # have held it all for the body timeout, and keyed uploads got 503 meanwhile. A GET carries no body: each is
    # refused from its head.
    router = router_factory([("m1", fake_miner, [fake_miner.model])],
                            server={"max_buffered_body_bytes": 8 << 20})
    held: list[socket.socket] = []
    try:
        for _ in range(100):
            s = socket.create_connection(("127.0.0.1", router.port), timeout=5)
            s.sendall(b"GET /ipfs/bafkqaaa HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n")
            held.append(s)
        for s in held:
            reply = s.recv(4096)
            assert reply.startswith(b"HTTP/1.1 400") and b"carries no body" in reply, reply[:200]
        assert_completion_served(router)
    finally:
        for s in held:
            s.close()


@pytest.mark.parametrize("fields", [
    b"Content-Length: 5\r\nContent-Length: 6\r\n",
    b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
    b"Transfer-Encoding: xchunked\r\n",
], ids=["two-content-lengths", "content-length-and-chunked", "unknown-coding"])
def test_ambiguous_framing_is_400_and_closed(router: Router, fields: bytes) -> None:
    with socket.create_connection(("127.0.0.1", router.port), timeout=5) as s:
        started = time.monotonic()
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer default-dev-token\r\n"
                  + fields + b"\r\nhello")
        reply = b""
        while chunk := s.recv(4096):
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
        assert b"bad_request_framing" in reply
        assert time.monotonic() - started < 2.0  # answered and closed at once, not at the idle timeout
    assert_completion_served(router)
