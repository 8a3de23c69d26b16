"""The command line (help, exit codes, `config check`), environment overrides, and graceful shutdown."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import DEV_KEY, HTTP_TIMEOUT, RouterFactory, free_port
from fake_miner import FakeMiner

SECRET = "sk-miner-secret-9f8e7d6c5b4a"


def run(edge_bin: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    return subprocess.run([str(edge_bin), *args], env={**clean, **(env or {})}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_help(edge_bin: Path) -> None:
    for args in (["--help"],):
        out = run(edge_bin, *args)
        assert out.returncode == 0, (args, out.stderr)
        assert "serve" in out.stdout
    for sub in ("serve", "keys", "config"):
        out = run(edge_bin, sub, "--help")
        assert out.returncode == 0, (sub, out.stderr)
        assert out.stdout.strip(), sub
    serve_help = run(edge_bin, "serve", "--help").stdout
    for flag in ("--port", "--miner", "--dev", "--config"):
        assert flag in serve_help, flag


@pytest.mark.parametrize("args", [["bogus"], ["serve", "--no-such-flag"], ["serve", "--port"],
                                  ["serve", "--port", "notaport"], ["keys", "bogus"]])
def test_usage_errors_exit_2(edge_bin: Path, args: list[str]) -> None:
    out = run(edge_bin, *args)
    assert out.returncode == 2, (args, out.returncode, out.stdout, out.stderr)
    assert out.stderr.strip(), "a usage error says what was wrong on stderr"


GOOD_CONFIG = f"""
[server]
host = "127.0.0.1"
port = 5099
max_body_bytes = 65536

[auth]
dev_mode = false
rate_limit_per_minute = 120
rate_limit_burst = 10

[log]
level = "info"

[pool]
max_attempts = 2
first_token_timeout_seconds = 10

[[miners]]
id = "gpu-box"
url = "http://127.0.0.1:8080"
models = ["llama-3-8b"]
weight = 2.0
api_key = "{SECRET}"

[[sessions]]
id = 3
name = "three"
model = "llama-3-8b"
miners = ["gpu-box"]
redundancy = 1
timeout_seconds = 120
"""


def test_config_check_good_file_masks_secrets(edge_bin: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "good.toml"
    cfg.write_text(GOOD_CONFIG)
    out = run(edge_bin, "config", "check", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert SECRET not in out.stdout + out.stderr, "config check printed a miner api_key"
    assert "gpu-box" in out.stdout
    assert "5099" in out.stdout


def test_config_check_shows_env_overrides(edge_bin: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "good.toml"
    cfg.write_text(GOOD_CONFIG)
    out = run(edge_bin, "config", "check", "--config", str(cfg), env={"CORTENSOR_EDGE_SERVER_PORT": "6123"})
    assert out.returncode == 0, out.stderr
    assert "6123" in out.stdout


@pytest.mark.parametrize("text,key", [
    ('[server]\nport = "not a number"\n', "port"),
    ("[server]\nport = 70000\n", "port"),
    ("[server\nport = 1\n", None),
    ('[pool]\nmax_attempts = "three"\n', "max_attempts"),
    ("[server]\nmax_body_bytes = -1\n", "max_body_bytes"),
    ('[[miners]]\nid = "a"\nurl = 42\n', "url"),
    ('[auth]\ndev_mode = "sometimes"\n', "dev_mode"),
])
def test_config_check_bad_file_exits_2_with_one_line(edge_bin: Path, tmp_path: Path, text: str,
                                                     key: str | None) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    out = run(edge_bin, "config", "check", "--config", str(cfg))
    assert out.returncode == 2, (text, out.returncode, out.stdout, out.stderr)
    msg = lines(out.stdout) + lines(out.stderr)
    assert len(msg) == 1, msg
    if key:
        assert key in msg[0], msg


def test_serve_with_bad_config_exits_2(edge_bin: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[server]\nport = "nope"\n')
    out = run(edge_bin, "serve", "--config", str(cfg), env={"CORTENSOR_EDGE_STATE_DIRECTORY": str(tmp_path)})
    assert out.returncode == 2
    assert len(lines(out.stderr)) >= 1


@pytest.mark.parametrize("how", ["flags", "file", "environment"])
def test_dev_on_a_reachable_host_is_refused_without_the_loud_flag(edge_bin: Path, tmp_path: Path, how: str) -> None:
    """`--dev` accepts the public default-dev-token: on 0.0.0.0 (issue 14) the start is refused with exit code 2 and
    one line naming server.host and the way to allow it; nothing listens. The refusal is bounded: 60 s at most."""
    port = free_port()
    env = {"CORTENSOR_EDGE_STATE_DIRECTORY": str(tmp_path / "state"), "CORTENSOR_EDGE_FALLBACK_MODEL": "none"}
    args = ["serve", "--port", str(port)]
    if how == "flags":
        args += ["--dev", "--host", "0.0.0.0"]
    elif how == "file":
        cfg = tmp_path / "dev.toml"
        cfg.write_text('[server]\nhost = "0.0.0.0"\n[auth]\ndev_mode = true\n')
        args += ["--config", str(cfg)]
    else:
        env.update({"CORTENSOR_EDGE_SERVER_HOST": "0.0.0.0", "CORTENSOR_EDGE_AUTH_DEV_MODE": "true"})
    out = run(edge_bin, *args, env=env)
    assert out.returncode == 2, out.stderr
    message = lines(out.stderr)
    assert len(message) == 1 and message[0].startswith('config: server.host: "0.0.0.0" is not a loopback address')
    assert "--dev-allow-remote" in message[0] and "auth.dev_allow_remote" in message[0]


def test_dev_on_a_reachable_host_with_the_loud_flag(router_factory: RouterFactory) -> None:
    router = router_factory(extra_args=["--host", "0.0.0.0", "--dev-allow-remote"],
                            env={"CORTENSOR_EDGE_FALLBACK_MODEL": "none"})
    assert router.get("/api/v1/ping").status_code == 200  # the dev key works, on every address
    assert "--dev-allow-remote" in router.log_path.read_text(errors="replace")


def test_config_check_missing_file_exits_2(edge_bin: Path, tmp_path: Path) -> None:
    out = run(edge_bin, "config", "check", "--config", str(tmp_path / "absent.toml"))
    assert out.returncode == 2


def test_env_miners_and_port(router_factory: RouterFactory, miner_factory) -> None:
    a, b = miner_factory(), miner_factory()
    router = router_factory(env={"CORTENSOR_EDGE_MINERS": f"{a.url},{b.url}"})
    payload = router.get("/api/v1/miners").json()
    miners = payload if isinstance(payload, list) else payload["miners"]
    assert sorted(m["url"].rstrip("/") for m in miners) == sorted([a.url, b.url])


def test_env_port_override_without_flag(edge_bin: Path, tmp_path: Path, fake_miner: FakeMiner) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    env.update({"CORTENSOR_EDGE_SERVER_PORT": str(port), "CORTENSOR_EDGE_STATE_DIRECTORY": str(tmp_path)})
    proc = subprocess.Popen([str(edge_bin), "serve", "--dev", "--miner", fake_miner.url], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/readyz")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        assert status == 200, "router did not listen on CORTENSOR_EDGE_SERVER_PORT"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_sigterm_during_stream_exits_0_within_grace(router_factory: RouterFactory, miner_factory) -> None:
    miner = miner_factory(pace=0.1, stream_repeat=100)  # ~110 s of tokens
    grace = 2
    router = router_factory([("m1", miner, ["fake-model"])], server={"shutdown_grace_seconds": grace})
    conn = http.client.HTTPConnection("127.0.0.1", router.port, timeout=HTTP_TIMEOUT)
    conn.request("POST", "/api/v1/completions",
                 body=json.dumps({"session_id": 0, "prompt": "long", "stream": True, "timeout": 300}),
                 headers={"Authorization": f"Bearer {DEV_KEY}", "Content-Type": "application/json"})
    resp = conn.getresponse()
    assert resp.status == 200
    line = resp.fp.readline()
    while line and not line.startswith(b"data:"):
        line = resp.fp.readline()
    assert line.startswith(b"data:")
    started = time.monotonic()
    router.signal(signal.SIGTERM)
    code = router.wait_exit(grace + 10)
    elapsed = time.monotonic() - started
    assert code is not None, f"router still running {grace + 10}s after SIGTERM\n{router.log_tail()}"
    assert code == 0, router.log_tail()
    assert elapsed < grace + 5, f"shutdown took {elapsed:.1f}s with a {grace}s grace"
    # The client's stream ended (cleanly or cut), it did not hang.
    try:
        resp.read()
    except (http.client.HTTPException, OSError):
        pass
    conn.close()
    assert miner.wait_for_disconnect(timeout=10) or miner.requests[-1].finished
    router.stopped, router.exit_code = True, code


def test_sigint_when_idle_exits_0(router) -> None:
    router.signal(signal.SIGINT)
    code = router.wait_exit(20)
    assert code == 0, router.log_tail()
    router.stopped, router.exit_code = True, code
