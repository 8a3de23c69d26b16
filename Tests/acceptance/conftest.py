"""Fixtures for the acceptance suite: the real cortensor-edge binary on a free loopback port, fake miners,
and a real llama.cpp server (llama-cpp-python) serving a tiny random-weight GGUF written by the test.

Nothing here builds the router: `make test` builds first. The binary is `$EDGE_TEST_BINARY`, default
`.build/debug/cortensor-edge` under the package root.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_miner import FakeMiner  # noqa: E402
from tiny_gguf import MODEL_NAME as TINY_MODEL, write_tiny_llama  # noqa: E402

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
DEV_KEY = "default-dev-token"
HTTP_TIMEOUT = 30  # seconds; every HTTP call in the suite is bounded


# ---- small helpers ------------------------------------------------------------------------------------

def free_port() -> int:
    """A currently free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def auth(key: str | None = DEV_KEY) -> dict[str, str]:
    """Auth header for `key`, plus `Connection: close` so that each helper request uses its own connection and
    the router's open-connection gauge is not skewed by idle keep-alive sockets in the test process."""
    headers = {"Connection": "close"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string for our inputs
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def make_toml(tables: dict[str, dict[str, Any]], arrays: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """TOML text from {table: {key: value}} and {array_table: [{key: value}, ...]}."""
    lines: list[str] = []
    for name, keys in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in keys.items()]
        lines.append("")
    for name, items in (arrays or {}).items():
        for item in items:
            lines.append(f"[[{name}]]")
            lines += [f"{k} = {toml_value(v)}" for k, v in item.items()]
            lines.append("")
    return "\n".join(lines)


def children_of(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def parse_metrics(text: str) -> dict[str, float]:
    """Prometheus text → {metric name: sum of its samples}."""
    totals: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
        if m:
            try:
                totals[m.group(1)] = totals.get(m.group(1), 0.0) + float(m.group(3))
            except ValueError:
                pass
    return totals


def sse_events(response: requests.Response) -> Iterator[tuple[str, str]]:
    """(event type, data) per SSE event of a streamed `requests` response; event type defaults to "message"."""
    event_type, data_lines = "message", []
    for raw in response.iter_lines(chunk_size=1, decode_unicode=False):
        line = raw.decode("utf-8", errors="replace")
        if line == "":
            if data_lines:
                yield event_type, "\n".join(data_lines)
            event_type, data_lines = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event_type = line[6:].strip()
        elif line.startswith("data:"):
            data_lines.append(line[5:].lstrip(" ") if line.startswith("data: ") else line[5:])
    if data_lines:
        yield event_type, "\n".join(data_lines)


# ---- the router process ---------------------------------------------------------------------------------

@dataclass
class Router:
    """One running `cortensor-edge serve` process."""

    binary: Path
    port: int
    state_dir: Path
    log_path: Path
    args: list[str]
    env: dict[str, str]
    shutdown_grace: float = 5.0
    proc: subprocess.Popen[bytes] | None = None
    stopped: bool = False
    exit_code: int | None = None
    _children: list[int] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self, ready_timeout: float = 30.0) -> "Router":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([str(self.binary), "serve", *self.args], env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"router exited with {self.proc.returncode} before /readyz\n{self.log_tail()}")
            try:
                if requests.get(self.url("/readyz"), headers={"Connection": "close"}, timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        pytest.fail(f"router not ready within {ready_timeout}s\n{self.log_tail()}")

    def log_tail(self, n: int = 60) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no router log)"
        return "---- router log (tail) ----\n" + "\n".join(lines[-n:])

    def get(self, path: str, key: str | None = DEV_KEY, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", HTTP_TIMEOUT)
        return requests.get(self.url(path), headers={**auth(key), **kw.pop("headers", {})}, **kw)

    def post(self, path: str, body: Any = None, key: str | None = DEV_KEY, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", HTTP_TIMEOUT)
        headers = {**auth(key), **kw.pop("headers", {})}
        if body is not None and "data" not in kw:
            kw["data"] = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        return requests.post(self.url(path), headers=headers, **kw)

    def metrics(self) -> dict[str, float]:
        r = self.get("/metrics")
        assert r.status_code == 200, r.text
        return parse_metrics(r.text)

    def open_connections(self) -> float:
        return self.metrics()["cortensor_edge_open_connections"]

    def wait_open_connections_at_most(self, baseline: float, timeout: float = 15.0) -> float:
        deadline = time.monotonic() + timeout
        value = self.open_connections()
        while value > baseline and time.monotonic() < deadline:
            time.sleep(0.2)
            value = self.open_connections()
        return value

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait_exit(self, timeout: float) -> int | None:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> int:
        """SIGTERM, wait for the grace period (plus slack); the exit code must be 0 and no child may linger."""
        assert self.proc is not None
        if self.stopped:
            return self.exit_code if self.exit_code is not None else -1
        self.stopped = True
        kids = children_of(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.wait_exit(self.shutdown_grace + 15)
        if code is None:
            self.kill()
            pytest.fail(f"router did not exit within {self.shutdown_grace + 15}s of SIGTERM\n{self.log_tail()}")
        self.exit_code = code
        leaked = [k for k in kids if pid_alive(k)]
        assert not leaked, f"router left child processes running: {leaked}"
        assert code == 0, f"router exited with {code} after SIGTERM\n{self.log_tail()}"
        return code

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait(timeout=10)


DEFAULT_POOL = {
    "max_attempts": 3,
    "first_token_timeout_seconds": 3,
    "connect_timeout_seconds": 2,
    "probe_interval_seconds": 60,  # probes stay out of the way: fault tests drive the breaker themselves
    "breaker_failure_threshold": 3,
    "breaker_open_seconds": 30,
}


@dataclass
class RouterFactory:
    binary: Path
    tmp: Path
    routers: list[Router] = field(default_factory=list)

    def __call__(self, miners: list[tuple[Any, ...]] | None = None, *,
                 quick_miners: list[str] | None = None, dev: bool = True, env: dict[str, str] | None = None,
                 server: dict[str, Any] | None = None, pool: dict[str, Any] | None = None,
                 auth_cfg: dict[str, Any] | None = None, sessions: list[dict[str, Any]] | None = None,
                 state_dir: Path | None = None, extra_args: list[str] | None = None, start: bool = True) -> Router:
        """Start a router. `miners` = [(id, FakeMiner or URL, models[, {extra miner keys}])] writes a config file;
        `quick_miners` = URLs passed as `--miner URL` flags (no config file)."""
        n = len(self.routers)
        port = free_port()
        state = state_dir or (self.tmp / f"state-{n}")
        state.mkdir(parents=True, exist_ok=True)
        run_env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
        run_env["CORTENSOR_EDGE_STATE_DIRECTORY"] = str(state)
        run_env.update(env or {})
        args = ["--port", str(port)]
        if dev:
            args.append("--dev")
        grace = float((server or {}).get("shutdown_grace_seconds", 3 if miners is not None else 10))
        if miners is not None:
            server_table = {"host": "127.0.0.1", "port": port, "shutdown_grace_seconds": 3,
                            "request_deadline_seconds": 120, **(server or {})}
            tables = {"server": server_table, "state": {"directory": str(state)},
                      "auth": {"dev_mode": dev, **(auth_cfg or {})}, "log": {"level": "debug"},
                      "pool": {**DEFAULT_POOL, **(pool or {})}}
            miner_items = []
            for entry in miners:
                mid, m, models = entry[:3]
                item: dict[str, Any] = {"id": mid, "url": getattr(m, "url", m), "models": models}
                item.update(entry[3] if len(entry) > 3 else {})
                miner_items.append(item)
            arrays: dict[str, list[dict[str, Any]]] = {"miners": miner_items}
            if sessions:
                arrays["sessions"] = sessions
            cfg = self.tmp / f"router-{n}.toml"
            cfg.write_text(make_toml(tables, arrays))
            args += ["--config", str(cfg)]
        for url in quick_miners or []:
            args += ["--miner", url]
        args += extra_args or []
        router = Router(binary=self.binary, port=port, state_dir=state, log_path=self.tmp / f"router-{n}.log",
                        args=args, env=run_env, shutdown_grace=grace)
        self.routers.append(router)
        return router.start() if start else router

    def teardown(self) -> None:
        errors = []
        for r in self.routers:
            if r.proc is None:
                continue
            try:
                r.stop()
            except BaseException as e:  # collect, then fail once
                r.kill()
                errors.append(f"{e}")
        if errors:
            pytest.fail("router teardown failed:\n" + "\n".join(errors))


# ---- fixtures -------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def edge_bin() -> Path:
    path = Path(os.environ.get("EDGE_TEST_BINARY", PACKAGE_ROOT / ".build" / "debug" / "cortensor-edge"))
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"router binary not found at {path}: run `swift build` (make test does) or set EDGE_TEST_BINARY")
    return path


@pytest.fixture
def router_factory(edge_bin: Path, tmp_path: Path) -> Iterator[RouterFactory]:
    factory = RouterFactory(binary=edge_bin, tmp=tmp_path)
    yield factory
    factory.teardown()


@pytest.fixture
def miner_factory() -> Iterator[Any]:
    miners: list[FakeMiner] = []

    def make(mode: str = "normal", **behaviour: Any) -> FakeMiner:
        m = FakeMiner(mode=mode, **behaviour)
        miners.append(m)
        return m

    yield make
    for m in miners:
        m.close()


@pytest.fixture
def fake_miner(miner_factory: Any) -> FakeMiner:
    return miner_factory()


@pytest.fixture
def router(router_factory: RouterFactory, fake_miner: FakeMiner) -> Router:
    """A --dev router with one fake miner `m1` serving model `fake-model`."""
    return router_factory([("m1", fake_miner, [fake_miner.model])])


# ---- llama.cpp as a real miner --------------------------------------------------------------------------

@dataclass
class LlamaServer:
    url: str
    model: str
    proc: subprocess.Popen[bytes]
    log_path: Path


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_llama(tmp_path_factory.mktemp("model") / "tiny.gguf")


@contextlib.contextmanager
def running_llama_server(model: Path, log_dir: Path, extra_args: list[str] | None = None) -> Iterator[LlamaServer]:
    """`python -m llama_cpp.server` serving `model` (with `extra_args`, e.g. a `--chat_format`). A required peer:
    any failure to start fails the test."""
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError as e:
        pytest.fail(f"llama-cpp-python[server] is not installed in this Python ({e}); `make test` installs it")
    port = free_port()
    log_path = log_dir / "llama-server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", TINY_MODEL,
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "512", "--n_threads", "2", *(extra_args or [])],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    ready = False
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if requests.get(url + "/v1/models", timeout=2).status_code == 200:
                ready = True
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    if not ready:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
        pytest.fail(f"llama.cpp server did not start (exit {proc.returncode}):\n{tail}")
    try:
        yield LlamaServer(url=url, model=TINY_MODEL, proc=proc, log_path=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def llama_server(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """The tiny GGUF behind llama.cpp's server, shared by the session."""
    with running_llama_server(tiny_gguf, tmp_path_factory.mktemp("llama")) as server:
        yield server
