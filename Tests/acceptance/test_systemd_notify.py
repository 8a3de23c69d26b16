"""`Type=notify` readiness: the router tells systemd READY=1 once it serves, STOPPING=1 when it drains.

systemd's side is played by a real AF_UNIX datagram socket, at a filesystem path and at an abstract address."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from conftest import RouterFactory


@pytest.fixture(params=["path", "abstract"])
def notify_socket(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if request.param == "path":
        address = str(tmp_path / "notify.sock")
        sock.bind(address)
    else:
        address = f"@cortensor-edge-test-{tmp_path.name}"
        sock.bind("\0" + address[1:])
    sock.settimeout(20)
    yield address, sock
    sock.close()


def messages(datagram: bytes) -> dict[str, str]:
    return dict(line.split("=", 1) for line in datagram.decode().splitlines())


def test_ready_then_stopping(router_factory: RouterFactory, notify_socket: tuple[str, socket.socket]) -> None:
    address, sock = notify_socket
    router = router_factory(env={"NOTIFY_SOCKET": address})
    ready = messages(sock.recv(4096))
    assert ready["READY"] == "1"
    assert ready["STATUS"] == f"serving on 127.0.0.1:{router.port}"
    assert router.get("/readyz", key=None).status_code == 200, "READY=1 is sent only once /readyz answers 200"
    router.stop()
    assert messages(sock.recv(4096)) == {"STOPPING": "1"}


def test_unusable_notify_socket_is_ignored(router_factory: RouterFactory, tmp_path: Path) -> None:
    for address in ("relative/path", str(tmp_path / "nobody-listens.sock")):
        router = router_factory(env={"NOTIFY_SOCKET": address})
        assert router.get("/readyz", key=None).status_code == 200
        router.stop()
