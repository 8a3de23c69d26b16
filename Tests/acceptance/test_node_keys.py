"""The node's signing key: `keys new --node`, `keys import`, `keys export`, `keys address`, with eth-account as the
other side (keystores made by one open in the other) and the password sources (file, environment, none)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

from eth_account import Account

PASSWORD = "correct horse battery staple"


def run(edge_bin: Path, state: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs the binary without a controlling terminal (a new session), so a missing password cannot be prompted."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    environment = {**clean, "CORTENSOR_EDGE_STATE_DIRECTORY": str(state), **(env or {})}
    return subprocess.run([str(edge_bin), *args], env=environment, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120, start_new_session=True)


def password_file(tmp_path: Path, text: str = PASSWORD) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(text + "\n")
    return path


def test_new_node_key_opens_in_eth_account_and_never_prints_the_key(edge_bin: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    made = run(edge_bin, state, "keys", "new", "--node", "--password-file", str(password_file(tmp_path)))
    assert made.returncode == 0, made.stderr
    address = made.stdout.strip()
    keystore = state / "node-key.json"
    assert stat.S_IMODE(keystore.stat().st_mode) == 0o600
    secret = Account.decrypt(json.loads(keystore.read_text()), PASSWORD)
    assert Account.from_key(secret).address == address  # checksummed (EIP-55) as eth-account prints it
    assert secret.hex().removeprefix("0x") not in made.stdout + made.stderr

    shown = run(edge_bin, state, "keys", "address")
    assert shown.returncode == 0 and shown.stdout.strip() == address

    exported = tmp_path / "exported.json"
    out = run(edge_bin, state, "keys", "export", "--output", str(exported))
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    assert Account.from_key(Account.decrypt(json.loads(exported.read_text()), PASSWORD)).address == address
    printed = run(edge_bin, state, "keys", "export")
    assert json.loads(printed.stdout) == json.loads(keystore.read_text())

    again = run(edge_bin, state, "keys", "new", "--node", "--password-file", str(password_file(tmp_path)))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert Account.from_key(Account.decrypt(json.loads(keystore.read_text()), PASSWORD)).address == address


def test_imports_an_eth_account_keystore_and_a_hex_key(edge_bin: Path, tmp_path: Path) -> None:
    account = Account.create()
    theirs = tmp_path / "theirs.json"
    theirs.write_text(json.dumps(Account.encrypt(account.key, PASSWORD, kdf="pbkdf2", iterations=2048)))
    state = tmp_path / "from-keystore"
    out = run(edge_bin, state, "keys", "import", str(theirs), env={"CORTENSOR_EDGE_KEY_PASSWORD": PASSWORD})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == account.address
    assert run(edge_bin, state, "keys", "address").stdout.strip() == account.address

    raw = tmp_path / "raw.hex"
    raw.write_text("  0x" + account.key.hex().removeprefix("0x") + "\n")
    state = tmp_path / "from-hex"
    out = run(edge_bin, state, "keys", "import", str(raw), "--password-file", str(password_file(tmp_path, "other")))
    assert out.returncode == 0, out.stderr
    stored = json.loads((state / "node-key.json").read_text())
    assert Account.from_key(Account.decrypt(stored, "other")).address == account.address


def test_wrong_or_missing_passwords_fail_clearly_and_write_nothing(edge_bin: Path, tmp_path: Path) -> None:
    account = Account.create()
    theirs = tmp_path / "theirs.json"
    theirs.write_text(json.dumps(Account.encrypt(account.key, PASSWORD, kdf="pbkdf2", iterations=2048)))
    state = tmp_path / "state"

    wrong = run(edge_bin, state, "keys", "import", str(theirs), env={"CORTENSOR_EDGE_KEY_PASSWORD": "nope"})
    assert wrong.returncode == 1
    assert "password does not open" in wrong.stderr
    assert not (state / "node-key.json").exists()

    missing = run(edge_bin, state, "keys", "new", "--node")
    assert missing.returncode == 1
    assert "no password" in missing.stderr and "--password-file" in missing.stderr
    assert not (state / "node-key.json").exists()

    empty = run(edge_bin, state, "keys", "new", "--node", "--password-file", str(password_file(tmp_path, "")))
    assert empty.returncode == 1 and "empty" in empty.stderr

    bad = tmp_path / "bad.hex"
    bad.write_text("ff" * 32)  # above the curve order
    out = run(edge_bin, state, "keys", "import", str(bad), "--password-file", str(password_file(tmp_path)))
    assert out.returncode == 1 and "not a valid secp256k1 private key" in out.stderr

    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"version": 3}')
    out = run(edge_bin, state, "keys", "import", str(garbage), "--password-file", str(password_file(tmp_path)))
    assert out.returncode == 1 and "not a usable keystore" in out.stderr

    none = run(edge_bin, tmp_path / "empty-state", "keys", "address")
    assert none.returncode == 1 and "keys new --node" in none.stderr
