"""What the shipped binary links: no Foundation (7.5-52 MB) and no _StringProcessing/regex runtime (about
1.5 MB static) — both come in silently through one convenient call, so the symbol table is checked."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

FORBIDDEN = {
    "Foundation": ("10Foundation", "20FoundationEssentials", "21FoundationNetworking"),
    "_StringProcessing": ("17_StringProcessing", "12_RegexParser"),
}


@pytest.mark.parametrize("library", sorted(FORBIDDEN))
def test_binary_does_not_link(edge_bin: Path, library: str) -> None:
    symbols = subprocess.run(["nm", "-u", str(edge_bin)], capture_output=True, text=True, check=True).stdout
    assert symbols.count("\n") > 100, "nm listed too few undefined symbols to be meaningful"
    hits = [line for line in symbols.splitlines() if any(marker in line for marker in FORBIDDEN[library])]
    assert not hits, f"{library} is referenced (e.g. String.contains(String) or replacing(_:with:)): {hits[:5]}"
