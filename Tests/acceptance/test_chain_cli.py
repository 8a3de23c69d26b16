"""`chain status|session|task|register` against a real EVM: py-evm with the Cortensor test contracts deployed
(Tests/LightClientTests/Fixtures/evm_rpc_server.py --cortensor), a task submitted by a user and committed by the test
miner (cortensor_miner.py), and the router's node key in a keystore written by eth-account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_utils import keccak

FIXTURES = Path(__file__).resolve().parents[1] / "LightClientTests" / "Fixtures"
PASSWORD = "router node password"


def rpc(url: str, method: str, params: list) -> object:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        reply = json.loads(response.read())
    assert "error" not in reply, (method, reply)
    return reply["result"]


@pytest.fixture(scope="module")
def chain() -> Iterator[dict]:
    """The Cortensor test chain: its URL and `cortensor_testSetup` (contract addresses, test keys)."""
    server = subprocess.Popen([sys.executable, str(FIXTURES / "evm_rpc_server.py"), "--cortensor"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=FIXTURES)
    try:
        port = int(server.stdout.readline())
        url = f"http://127.0.0.1:{port}/"
        yield {"url": url, **rpc(url, "cortensor_testSetup", [])}
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def run(edge_bin: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    return subprocess.run([str(edge_bin), *args], env={**clean, **(env or {})}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120, start_new_session=True)


def write_config(tmp_path: Path, chain: dict, *, chain_id: int = 1337, extra_endpoint: str | None = None,
                 queue: bool = False) -> Path:
    endpoints = [chain["url"]] + ([extra_endpoint] if extra_endpoint else [])
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    (tmp_path / "password").write_text(PASSWORD + "\n")
    keystore = state / "node-key.json"
    if not keystore.exists():
        encrypted = Account.encrypt(chain["keys"]["router"], PASSWORD, kdf="pbkdf2", iterations=4096)
        keystore.write_text(json.dumps(encrypted))
        keystore.chmod(0o600)
    lines = [
        "[state]", f'directory = "{state}"', "", "[node]", f'password_file = "{tmp_path / "password"}"',
        'public_url = "https://router.example:5010"', "", "[chains.service]", f"chain_id = {chain_id}",
        "endpoints = [" + ", ".join(f'"{url}"' for url in endpoints) + "]", 'verify = "proofs"', "confirmations = 0",
        f'session_v2 = "{chain["session"]}"',
    ]
    if queue:
        lines.append(f'session_queue_v2 = "{chain["queue"]}"')
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def submit_task(chain: dict, text: str) -> int:
    """A user submits a task (the 8-argument `submit`); its id from the TaskSubmitted log."""
    account = Account.from_key(chain["keys"]["user"])
    url = chain["url"]
    data = keccak(text="submit(uint256,uint256,string,uint256,string,uint256[],uint256[],string)")[:4] + encode(
        ["uint256", "uint256", "string", "uint256", "string", "uint256[]", "uint256[]", "string"],
        [chain["sessionId"], 0, text, 1, "", [128, 70, 100, 40, 100, 0, 0], [90, 0, 0, 0, 0, 0], "cli-test"])
    signed = account.sign_transaction({
        "chainId": 1337, "nonce": int(rpc(url, "eth_getTransactionCount", [account.address, "latest"]), 16),
        "gas": 3_000_000, "maxFeePerGas": 2 * int(rpc(url, "eth_gasPrice", []), 16),
        "maxPriorityFeePerGas": int(rpc(url, "eth_maxPriorityFeePerGas", []), 16),
        "to": chain["session"], "value": 0, "data": data})
    tx_hash = rpc(url, "eth_sendRawTransaction", ["0x" + bytes(signed.raw_transaction).hex()])
    receipt = rpc(url, "eth_getTransactionReceipt", [tx_hash])
    topic = "0x" + keccak(text="TaskSubmitted(uint256,uint256,string,string)").hex()
    for log in receipt["logs"]:
        if log["topics"] and log["topics"][0] == topic:
            return decode(["uint256", "uint256", "string", "string"], bytes.fromhex(log["data"][2:]))[1]
    raise AssertionError("no TaskSubmitted log")


def test_status_reads_and_verifies_the_head(edge_bin: Path, chain: dict, tmp_path: Path) -> None:
    out = run(edge_bin, "chain", "status", "--config", str(write_config(tmp_path, chain)))
    assert out.returncode == 0, out.stdout + out.stderr
    head = int(rpc(chain["url"], "eth_blockNumber", []), 16)
    assert "registration: uses the service chain" in out.stdout
    assert "service: chain 1337, verify proofs" in out.stdout
    assert "chain id ok, head" in out.stdout
    assert "confirmed header #" in out.stdout and "verified" in out.stdout
    confirmed = int(out.stdout.split("confirmed header #")[1].split()[0])
    assert 0 <= head - confirmed <= 2  # the head, or a block or two older if a test mined meanwhile


def test_status_drops_an_endpoint_of_another_chain_and_fails_when_none_is_left(
        edge_bin: Path, chain: dict, tmp_path: Path) -> None:
    out = run(edge_bin, "chain", "status", "--config", str(write_config(tmp_path, chain, chain_id=5)))
    assert out.returncode == 1
    assert "serves chain 1337, not 5" in out.stdout and "no endpoint serves chain 5" in out.stdout

    dead = "http://127.0.0.1:9/"
    out = run(edge_bin, "chain", "status", "--config", str(write_config(tmp_path, chain, extra_endpoint=dead)))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "http://127.0.0.1:9: unreachable" in out.stdout


def test_register_then_session_then_task(edge_bin: Path, chain: dict, tmp_path: Path) -> None:
    config = str(write_config(tmp_path, chain))
    router = chain["addresses"]["router"]
    out = run(edge_bin, "chain", "register", "0", "--config", config)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"registered router {router} on session 0: https://router.example:5010" in out.stdout

    shown = run(edge_bin, "chain", "session", "0", "--config", config)
    assert shown.returncode == 0, shown.stderr
    assert f"router {router}: https://router.example:5010" in shown.stdout
    assert chain["addresses"]["miner"] in shown.stdout

    moved = run(edge_bin, "chain", "register", "0", "--update", "--config", config,
                env={"CORTENSOR_EDGE_NODE_PUBLIC_URL": "https://moved.example"})
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert f"router {router}: https://moved.example" in run(edge_bin, "chain", "session", "0", "--config",
                                                             config).stdout
    again = run(edge_bin, "chain", "register", "0", "--config", config)
    assert again.returncode == 1 and "revert" in again.stderr.lower()  # already registered: the contract refuses

    task_id = submit_task(chain, "bafkreitestcid")
    request = {"rpc": chain["url"], "queue": chain["queue"], "key": chain["keys"]["miner"], "sessionId": 0,
               "taskId": task_id, "result": "Paris", "precommit": True}
    miner = subprocess.run([sys.executable, str(FIXTURES / "cortensor_miner.py")], input=json.dumps(request),
                           capture_output=True, text=True, timeout=120)
    assert miner.returncode == 0, miner.stderr
    for queue in (False, True):  # the queue's address from SessionV2, then from the config
        config = str(write_config(tmp_path, chain, queue=queue))
        task = run(edge_bin, "chain", "task", "0", str(task_id), "--config", config)
        assert task.returncode == 0, task.stderr
        assert f"task {task_id} of session 0" in task.stdout
        assert "data: bafkreitestcid" in task.stdout
        assert f"result from {chain['addresses']['miner']}: Paris" in task.stdout


def test_register_needs_the_node_key(edge_bin: Path, chain: dict, tmp_path: Path) -> None:
    config = write_config(tmp_path, chain)
    (tmp_path / "password").write_text("wrong\n")
    out = run(edge_bin, "chain", "register", "0", "--config", str(config))
    assert out.returncode == 1 and "password does not open" in out.stderr
    out = run(edge_bin, "chain", "task", "0", "x", "--config", str(config))
    assert out.returncode == 2 and "TID 'x'" in out.stderr
