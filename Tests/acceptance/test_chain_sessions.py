"""Chain sessions end to end: the real router with a `[[sessions]]` entry on chain (`chain = "service"`), the py-evm
chain with the Vyper test doubles of SessionV2/SessionQueueV2 (Tests/LightClientTests/Fixtures/evm_rpc_server.py
--cortensor), and a test miner that watches the queue, fetches the task's request block from the router's IPFS
gateway by the CID on chain, and acks and commits an answer with Fixtures/cortensor_miner.py (eth-account).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from eth_abi import decode, encode
from eth_account import Account
from eth_utils import keccak
from multiformats import CID

from conftest import PACKAGE_ROOT, Router, auth, free_port, make_toml, sse_events

FIXTURES = PACKAGE_ROOT / "Tests" / "LightClientTests" / "Fixtures"
PASSWORD = "chain-session test password"
CHAIN_SESSION = 0  # session 0 of the fixture, with the test "miner" as its dedicated node
LOCAL_SESSION = 7  # the router's id for it
TASK_TUPLE = "(uint256,uint256,uint256,string,address[],bool,uint8,uint256,uint256,uint256,uint256)"


def rpc(url: str, method: str, params: list[Any]) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        reply = json.loads(response.read())
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


def eth_call(url: str, to: str, signature: str, types: list[str], values: list[Any], returns: list[str]) -> Any:
    data = keccak(text=signature)[:4] + encode(types, values)
    result = rpc(url, "eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"])
    return decode(returns, bytes.fromhex(result[2:]))


class Chain:
    """evm_rpc_server.py --cortensor, started once for the module."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(FIXTURES / "evm_rpc_server.py"), "--cortensor"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = f"http://127.0.0.1:{int(self.proc.stdout.readline())}/"
        self.setup = rpc(self.url, "cortensor_testSetup", [])

    def task(self, task_id: int) -> tuple[Any, ...]:
        return eth_call(self.url, self.setup["queue"], "getTask(uint256,uint256)", ["uint256", "uint256"],
                        [CHAIN_SESSION, task_id], [TASK_TUPLE])[0]

    def task_count(self) -> int:
        return eth_call(self.url, self.setup["queue"], "getTaskCountBySessionId(uint256)", ["uint256"],
                        [CHAIN_SESSION], ["uint256"])[0]

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Miner(threading.Thread):
    """Watches session 0's queue; for each task assigned to it, reads the request block named by the task's CID from
    the router's /ipfs gateway (checking the CID), then acks and commits `answer(prompt)` with cortensor_miner.py.
    A prompt starting with "cid:" gets its answer stored as a block on the router and the block's CID committed."""

    def __init__(self, chain: Chain) -> None:
        super().__init__(daemon=True)
        self.chain = chain
        self.router: Router | None = None
        self.handled: dict[int, str] = {}
        self.errors: list[str] = []
        self.stopping = threading.Event()
        self.first = chain.task_count()

    @staticmethod
    def answer(prompt: str) -> str:
        return f"chain miner answer to {prompt!r}"

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            try:
                for task_id in range(self.first, self.chain.task_count()):
                    if task_id not in self.handled:
                        self.handled[task_id] = self.mine(task_id)
            except Exception as error:  # reported by the test that waits for an answer
                self.errors.append(f"{type(error).__name__}: {error}")
                return

    def mine(self, task_id: int) -> str:
        assert self.router is not None
        task_data = self.chain.task(task_id)[3]
        cid = CID.decode(task_data)
        block = requests.get(self.router.url(f"/ipfs/{task_data}?format=raw"), timeout=30).content
        assert cid.codec.name == "raw" and cid.digest[2:] == hashlib.sha256(block).digest(), "request block != CID"
        prompt = json.loads(block)["input"]["prompt"]
        result = self.answer(prompt)
        if prompt.startswith("cid:"):
            put = requests.post(self.router.url("/api/v0/block/put"), headers=auth(),
                                files={"file": result.encode()}, timeout=30)
            assert put.status_code == 200, put.text
            result = put.json()["Key"]
        request = {"rpc": self.chain.url, "queue": self.chain.setup["queue"], "key": self.chain.setup["keys"]["miner"],
                   "sessionId": CHAIN_SESSION, "taskId": task_id, "result": result, "precommit": True}
        subprocess.run([sys.executable, str(FIXTURES / "cortensor_miner.py")], input=json.dumps(request), text=True,
                       capture_output=True, check=True, timeout=120)
        return result


@pytest.fixture(scope="module")
def chain() -> Iterator[Chain]:
    chain = Chain()
    yield chain
    chain.stop()


def start_router(edge_bin: Path, tmp: Path, endpoints: list[str], setup: dict[str, Any],
                 password: str = PASSWORD) -> Router:
    """The router with local session 7 standing for chain session 0, signing with the fixture's funded router key."""
    tmp.mkdir(parents=True, exist_ok=True)
    keystore = tmp / "node-key.json"
    keystore.write_text(json.dumps(Account.encrypt(setup["keys"]["router"], PASSWORD, kdf="scrypt",
                                                   iterations=1 << 14)))
    password_file = tmp / "password"
    password_file.write_text(password + "\n")
    port = free_port()
    tables = {
        "server": {"host": "127.0.0.1", "port": port, "request_deadline_seconds": 120, "shutdown_grace_seconds": 3},
        "state": {"directory": str(tmp / "state")}, "auth": {"dev_mode": True}, "log": {"level": "debug"},
        "fallback": {"model": "none"},
        "chains.service": {"chain_id": 1337, "endpoints": endpoints, "verify": "none",
                           "session_v2": setup["session"], "session_queue_v2": setup["queue"]},
        "node": {"keystore": str(keystore), "password_file": str(password_file)},
    }
    sessions = [{"id": LOCAL_SESSION, "name": "on-chain", "chain": "service", "chain_session_id": CHAIN_SESSION,
                 "timeout_seconds": 90}]
    config = tmp / "router.toml"
    config.write_text(make_toml(tables, {"sessions": sessions}))
    env = {"PATH": "/usr/bin:/bin"}
    return Router(binary=edge_bin, port=port, state_dir=tmp / "state", log_path=tmp / "router.log",
                  args=["--config", str(config)], env=env, shutdown_grace=3)


@pytest.fixture
def chain_router(edge_bin: Path, tmp_path: Path, chain: Chain) -> Iterator[tuple[Router, Miner]]:
    router = start_router(edge_bin, tmp_path, [chain.url], chain.setup).start()
    miner = Miner(chain)
    miner.router = router
    miner.start()
    yield router, miner
    miner.stopping.set()
    miner.join(timeout=30)
    router.stop()


def completion(router: Router, body: dict[str, Any], **kw: Any) -> requests.Response:
    return router.post(f"/api/v1/completions/{LOCAL_SESSION}", body, timeout=120, **kw)


def test_a_completion_is_submitted_on_chain_and_answered_by_the_miners_commit(
        chain_router: tuple[Router, Miner], chain: Chain) -> None:
    router, miner = chain_router
    response = completion(router, {"prompt": "What is 2+2?", "client_reference": "ref-e2e", "max_tokens": 64,
                                   "temperature": 0.25, "timeout": 90})
    assert response.status_code == 200, f"{response.text}\n{miner.errors}\n{router.log_tail()}"
    body = response.json()
    task_id = body["task_id"]
    assert body["session_id"] == LOCAL_SESSION and body["object"] == "text_completion"
    assert body["choices"][0]["text"] == Miner.answer("What is 2+2?")
    assert body["choices"][0]["finish_reason"] == "stop"
    assert response.headers["X-Cortensor-Miner"] == chain.setup["addresses"]["miner"]

    # On chain: the task's data is the request block's CID, and the miner's result is committed.
    task = chain.task(task_id)
    assert CID.decode(task[3]).codec.name == "raw"
    assert [a.lower() for a in task[4]] == [chain.setup["addresses"]["miner"].lower()]

    read = router.get(f"/api/v1/tasks/{LOCAL_SESSION}/{task_id}")
    assert read.status_code == 200, read.text
    record = read.json()
    assert record["task_id"] == task_id and record["status"] == 4 and record["task_data"] == task[3]
    assert record["results"]["data"] == [Miner.answer("What is 2+2?")]
    assert record["results"]["miners"] == [chain.setup["addresses"]["miner"]]
    assert record["client_reference"] == "ref-e2e" and record["request_cid"] == task[3]

    log = router.log_path.read_text()
    assert chain.setup["keys"]["router"][2:] not in log and PASSWORD not in log and "What is 2+2?" not in log
    assert "chain connected" in log  # the chain id was checked at start, in the background

    listed = router.get(f"/api/v1/tasks/{LOCAL_SESSION}").json()
    assert task_id in [t["task_id"] for t in listed["tasks"]]
    assert next(t for t in listed["tasks"] if t["task_id"] == task_id)["status"] == 4  # done in the local store


def test_a_streamed_completion_and_a_result_committed_as_a_cid(chain_router: tuple[Router, Miner],
                                                               chain: Chain) -> None:
    router, miner = chain_router
    with completion(router, {"prompt": "Stream it", "stream": True, "timeout": 90}, stream=True) as response:
        assert response.status_code == 200, f"{response.text}\n{miner.errors}\n{router.log_tail()}"
        assert response.headers["Content-Type"].startswith("text/event-stream")
        events = [data for _, data in sse_events(response)]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert "".join(c["choices"][0]["text"] for c in chunks) == Miner.answer("Stream it")
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and all("task_id" in c for c in chunks)

    response = completion(router, {"prompt": "cid: keep it off chain", "timeout": 90})
    assert response.status_code == 200, f"{response.text}\n{miner.errors}\n{router.log_tail()}"
    assert response.json()["choices"][0]["text"] == Miner.answer("cid: keep it off chain")
    _, committed = eth_call(chain.url, chain.setup["queue"], "getTaskResults(uint256,uint256)", ["uint256", "uint256"],
                            [CHAIN_SESSION, response.json()["task_id"]], ["address[]", "string[]"])
    assert CID.decode(committed[0]).codec.name == "raw"  # what went on chain was the CID, not the text


def test_the_session_is_read_from_sessionv2(chain_router: tuple[Router, Miner], chain: Chain) -> None:
    router, _ = chain_router
    one = router.get(f"/api/v1/sessions/{LOCAL_SESSION}")
    assert one.status_code == 200, one.text
    session = one.json()
    assert session["id"] == LOCAL_SESSION and session["mode"] == "chain" and session["state"] == 1
    assert session["miners"] == [chain.setup["addresses"]["miner"]]
    assert session["chain"]["name"] == "edge-test" and session["chain"]["session_id"] == CHAIN_SESSION
    listed = router.get("/api/v1/sessions").json()["sessions"]
    assert {s["id"]: s["mode"] for s in listed} == {LOCAL_SESSION: "chain", 0: "local"}


def test_a_chain_that_is_down_is_a_clear_502_within_the_deadline(edge_bin: Path, tmp_path: Path,
                                                                  chain: Chain) -> None:
    router = start_router(edge_bin, tmp_path, [f"http://127.0.0.1:{free_port()}/"], chain.setup).start()
    try:
        started = time.monotonic()
        response = completion(router, {"prompt": "anyone there?", "timeout": 30})
        assert time.monotonic() - started < 60
        assert response.status_code == 502, response.text
        assert response.json()["error"]["code"] == "chain_unreachable"
        assert "unreachable" in response.json()["error"]["message"]
        session = router.get(f"/api/v1/sessions/{LOCAL_SESSION}")
        assert session.status_code == 502 and session.json()["error"]["code"] == "chain_unreachable"
        log = router.log_path.read_text()
        assert PASSWORD not in log
        assert "chain not reachable at start" in log  # said at start, before any request needed the chain
    finally:
        router.stop()


def test_a_node_key_that_does_not_open_stops_the_start(edge_bin: Path, tmp_path: Path, chain: Chain) -> None:
    router = start_router(edge_bin, tmp_path, [chain.url], chain.setup, password="not the password")
    result = subprocess.run([str(edge_bin), "serve", *router.args], env=router.env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert "node key: the password does not open" in result.stderr
    assert "not the password" not in result.stderr + result.stdout
