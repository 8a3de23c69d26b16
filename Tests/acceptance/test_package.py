"""The Debian package: lintian, control fields, contents, hardening, and the packaged binary started from an
extracted tree against its packaged default configuration.

The package is `EDGE_TEST_DEB` when set (scripts/test builds it once with Packaging/build-deb), else built here."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import PACKAGE_ROOT, Router, free_port

EXPECTED_FILES = {
    "etc/cortensor-edge/config.toml",
    "lib/systemd/system/cortensor-edge.service",
    "usr/share/bash-completion/completions/cortensor-edge",
    "usr/bin/cortensor-edge",
    "usr/share/doc/cortensor-edge/README",
    "usr/share/doc/cortensor-edge/api.md.gz",
    "usr/share/doc/cortensor-edge/changelog.Debian.gz",
    "usr/share/doc/cortensor-edge/config.md.gz",
    "usr/share/doc/cortensor-edge/copyright",
    "usr/share/lintian/overrides/cortensor-edge",
    "usr/share/man/man1/cortensor-edge.1.gz",
}


def sh(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=600, check=False, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("EDGE_TEST_DEB")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("deb")
    built = sh(str(PACKAGE_ROOT / "Packaging" / "build-deb"), "--out", str(out))
    assert built.returncode == 0, built.stderr[-4000:]
    return Path(built.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def tree(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("extracted")
    extracted = sh("dpkg-deb", "-x", str(deb), str(root))
    assert extracted.returncode == 0, extracted.stderr
    return root


def control(deb: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    name = ""
    for line in sh("dpkg-deb", "-f", str(deb)).stdout.splitlines():
        if line.startswith(" ") and name:
            fields[name] += "\n" + line
        else:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def test_lintian_reports_no_errors_or_warnings(deb: Path) -> None:
    result = sh("lintian", "--pedantic", "-I", "--fail-on", "error,warning", "--tag-display-limit", "0", str(deb))
    tags = [line for line in result.stdout.splitlines() if re.match(r"^[EWIP]: ", line)]
    assert result.returncode == 0, "\n".join(tags) or result.stderr
    assert not [t for t in tags if t[0] in "EW"], tags


def test_control_fields(deb: Path) -> None:
    fields = control(deb)
    assert fields["Package"] == "cortensor-edge"
    assert re.fullmatch(r"\d+\.\d+\.\d+(\+git\d+\.[0-9a-f]{8})?-\d+", fields["Version"]), fields["Version"]
    assert fields["Architecture"] == sh("dpkg", "--print-architecture").stdout.strip()
    assert fields["Section"] == "net" and fields["Priority"] == "optional"
    assert re.fullmatch(r".+ <[^@\s]+@[^@\s]+\.[a-z]+>", fields["Maintainer"]), fields["Maintainer"]
    depends = {d.strip().split(" ")[0] for d in fields["Depends"].split(",")}
    # Computed by dpkg-shlibdeps from the binary's DT_NEEDED entries, plus adduser for the maintainer scripts and
    # libcurl4, which the binary dlopens on first use.
    assert {"adduser", "libc6", "libcurl4", "libmicrohttpd12", "libsqlite3-0", "libssl3"} <= depends, depends
    assert "libcurl4 (>= 7.85.0)" in fields["Depends"], fields["Depends"]
    assert fields["Description"].startswith("Cortensor router node")


def test_contents_modes_and_conffiles(deb: Path) -> None:
    listing = sh("dpkg-deb", "-c", str(deb)).stdout.splitlines()
    entries = {line.split()[-1].removeprefix("./"): line.split() for line in listing}
    files = {path for path, fields in entries.items() if not fields[0].startswith("d")}
    assert files == EXPECTED_FILES
    for path, fields in entries.items():
        assert fields[1] == "root/root", (path, fields[1])
    assert entries["usr/bin/cortensor-edge"][0] == "-rwxr-xr-x"
    assert entries["etc/cortensor-edge/config.toml"][0] == "-rw-r--r--"
    conffiles = sh("dpkg-deb", "-I", str(deb), "conffiles").stdout.split()
    assert conffiles == ["/etc/cortensor-edge/config.toml"]
    for script in ("postinst", "postrm", "prerm"):
        text = sh("dpkg-deb", "-I", str(deb), script).stdout
        assert text.startswith("#!/bin/sh") and "set -e" in text, script
        assert "deb-systemd" in text, f"{script} lacks debhelper's systemd snippet"


def test_binary_is_stripped_and_hardened(tree: Path) -> None:
    binary = tree / "usr/bin/cortensor-edge"
    # The footprint goal is <= 9 MB (issue 2), decimal. With the light client linked in (issue 4) the binary was
    # 9,818,256 bytes; dead-code removal in our modules (-internalize-at-link, -function-sections) and an in-house
    # logger brought it to 8,974,480, the day's later merges back to 9,064,592, and the release link through
    # scripts/link-release (the standard library's unused public functions dropped too) to 8,147,088. A release
    # binary linked without that step is over this guard again. Benchmarks/RESULTS.md ("2026-11-29") has the figures.
    assert binary.stat().st_size <= 9_000_000, binary.stat().st_size
    header = sh("readelf", "-h", str(binary)).stdout
    assert "DYN (Position-Independent Executable" in header
    dynamic = sh("readelf", "-d", str(binary)).stdout
    assert "BIND_NOW" in dynamic and re.search(r"FLAGS_1.*\bPIE\b", dynamic)
    segments = sh("readelf", "-lW", str(binary)).stdout
    assert "GNU_RELRO" in segments
    assert re.search(r"GNU_STACK\s+(\S+\s+){5}RW\s", segments), "the stack must not be executable"
    assert ".symtab" not in sh("readelf", "-SW", str(binary)).stdout, "not stripped"


def test_unit_is_confined_notify_service(tree: Path) -> None:
    unit = (tree / "lib/systemd/system/cortensor-edge.service").read_text()
    settings = [line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#")]
    values: dict[str, list[str]] = {}
    for key, value in settings:
        values.setdefault(key, []).append(value)
    expected = {
        "Type": "notify", "User": "cortensor-edge", "Restart": "on-failure", "NoNewPrivileges": "yes",
        "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes",
        "StateDirectory": "cortensor-edge", "ReadWritePaths": "/var/lib/cortensor-edge", "CapabilityBoundingSet": "",
        "SystemCallFilter": "@system-service",
        "ExecStart": "/usr/bin/cortensor-edge --config /etc/cortensor-edge/config.toml serve",
    }
    for key, value in expected.items():
        assert values.get(key) == [value], (key, values.get(key))
    assert int(values["LimitNOFILE"][0]) >= 2 * 1024 + 64, "two descriptors per connection at the default limit"
    assert values["MemoryMax"][0].endswith("M")


def test_man_page_is_the_binarys_own(tree: Path) -> None:
    page = gzip.decompress((tree / "usr/share/man/man1/cortensor-edge.1.gz").read_bytes()).decode()
    generated = sh(str(tree / "usr/bin/cortensor-edge"), "help", "--man")
    assert generated.returncode == 0
    strip_date = re.compile(r'^(\.TH \S+ 1) "[^"]*"', re.M)
    assert strip_date.sub(r"\1", page) == strip_date.sub(r"\1", generated.stdout)
    for command in ("serve", "keys new", "config check"):
        assert f".B {command.replace('-', chr(92) + '-')}" in page


def complete(tree: Path, line: str) -> list[str]:
    """What bash offers after typing `line` (the packaged completion script, sourced in a real bash)."""
    words = line.split(" ")
    script = (f"source {tree}/usr/share/bash-completion/completions/cortensor-edge\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
              "_cortensor_edge; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    result = sh("bash", "--norc", "-c", script, cwd=str(tree))
    assert result.returncode == 0, result.stderr
    return [w for w in result.stdout.splitlines() if w]


def test_bash_completion(tree: Path) -> None:
    assert complete(tree, "cortensor-edge ") == ["serve", "config", "keys", "chain", "ipfs", "car", "cache", "model",
                                                 "version", "help", "--config", "--help"]
    assert complete(tree, "cortensor-edge ipfs pin ") == ["add", "rm", "ls", "--config", "--help"]
    assert complete(tree, "cortensor-edge ke") == ["keys"]
    assert complete(tree, "cortensor-edge keys ") == ["new", "import", "export", "address", "list", "revoke", "--config",
                                                     "--help"]
    assert complete(tree, "cortensor-edge chain ") == ["status", "session", "task", "register", "--config", "--help"]
    assert complete(tree, "cortensor-edge --config x.toml keys n") == ["new"]
    assert complete(tree, "cortensor-edge serve --port 5010 --d") == ["--dev", "--dev-allow-remote"]
    assert complete(tree, "cortensor-edge serve --port 5010 --dev-") == ["--dev-allow-remote"]
    assert complete(tree, "cortensor-edge serve --port ") == []
    assert complete(tree, "cortensor-edge serve --config et") == ["etc"]
    assert complete(tree, "cortensor-edge help k") == ["keys"]


def uncommented_defaults(config: str) -> str:
    """The packaged config with every commented default (`#key = value`, `#[section]`) switched on; the indented
    examples (`#   [[miners]]`) stay comments."""
    return "\n".join(re.sub(r"^#(?=\[[a-z]+\]$|[a-z_]+ = )", "", line) for line in config.splitlines()) + "\n"


def test_packaged_config_documents_the_real_defaults(tree: Path, tmp_path: Path) -> None:
    binary = str(tree / "usr/bin/cortensor-edge")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    packaged = tree / "etc/cortensor-edge/config.toml"
    as_shipped = sh(binary, "--config", str(packaged), "config", "check", env=env)
    assert as_shipped.returncode == 0, as_shipped.stderr
    builtin = sh(binary, "config", "check", env=env)
    text = uncommented_defaults(packaged.read_text())
    assert text.count("\n[") >= 7, "every section header was switched on"
    everything = tmp_path / "everything.toml"
    everything.write_text(text)
    switched_on = sh(binary, "--config", str(everything), "config", "check", env=env)
    assert switched_on.returncode == 0, switched_on.stderr

    def body(output: str) -> list[str]:
        return [line for line in output.splitlines()[1:] if not line.startswith("directory = ")]

    assert body(switched_on.stdout) == body(builtin.stdout)
    assert 'directory = "/var/lib/cortensor-edge"' in as_shipped.stdout


def test_packaged_binary_serves_on_packaged_config(tree: Path, tmp_path: Path) -> None:
    """The extracted binary on the packaged config: ready, keys required, no dev key; state only where told."""
    state = tmp_path / "state"
    state.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
    port = free_port()
    config = tree / "etc/cortensor-edge/config.toml"
    router = Router(binary=tree / "usr/bin/cortensor-edge", port=port, state_dir=state,
                    log_path=tmp_path / "router.log", env=env,
                    args=["--config", str(config), "--port", str(port), "--state-dir", str(state)])
    router.start()
    try:
        assert router.get("/healthz", key=None).json() == {"status": "ok"}
        assert router.get("/api/v1/info", key=None).status_code == 401, "the packaged default needs a key"
        assert router.get("/api/v1/info", key="default-dev-token").status_code == 401, "no dev mode when packaged"
    finally:
        router.stop()
    assert any(state.iterdir()), "the database lives in the state directory"


def test_install_upgrade_remove_purge_in_debian_root(deb: Path) -> None:
    """Packaging/tests/install-upgrade-purge: a debootstrapped Debian 12 root (cached), chroot, as root."""
    if os.geteuid() != 0:
        pytest.skip("needs root for debootstrap and chroot (CI runs as root)")
    result = sh(str(PACKAGE_ROOT / "Packaging" / "tests" / "install-upgrade-purge"), str(deb))
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert "install, upgrade, remove and purge passed" in result.stdout


def test_service_under_systemd(deb: Path) -> None:
    """Packaging/tests/systemd-service: the unit, fully sandboxed, in a booted Debian 12 container."""
    if os.geteuid() != 0:
        pytest.skip("needs root for systemd-nspawn (CI runs as root)")
    result = sh(str(PACKAGE_ROOT / "Packaging" / "tests" / "systemd-service"), str(deb))
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert "systemd-service: passed" in result.stdout
    ready = [int(n) for n in re.findall(r"^RESULT start-to-ready-ms (\d+)$", result.stdout, re.M)]
    assert len(ready) == 3, result.stdout  # the install and two restarts
