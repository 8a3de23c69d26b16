"""A GGUF re-quantized by llama.cpp (llama-cpp-python's `llama_model_quantize`), cached in the temp folder.

`quantized(source, "Q4_K_M")` writes `source` quantized as llama.cpp's `LLAMA_FTYPE_MOSTLY_Q4_K_M` (re-quantizing
a file that is already quantized, as `llama-quantize --allow-requantize` does) and returns the path. The result is
kept under `$TMPDIR/cortensor-edge-quantized/`, named by the file type and the SHA-256 of the source, so a second
run (or the benchmark after the tests) takes a few milliseconds instead of a few seconds.

Usage: python llama_quantize.py SOURCE.gguf TARGET.gguf FTYPE   (what `quantized` runs in a child process, so
llama.cpp's log lines and any crash stay out of the caller)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "cortensor-edge-quantized"


def source_digest(source: Path) -> str:
    digest = hashlib.sha256()
    with source.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def quantized(source: Path, ftype: str) -> Path:
    """`source` quantized by llama.cpp as `ftype` (`Q4_K_M`, `Q5_1`, ...: a `LLAMA_FTYPE_MOSTLY_*` suffix)."""
    target = CACHE / f"{source.stem}-{source_digest(source)}.{ftype}.gguf"
    if target.is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.partial")
    result = subprocess.run([sys.executable, __file__, str(source), str(partial), ftype], capture_output=True,
                            text=True, timeout=600, check=False)
    if result.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"llama.cpp could not quantize {source.name} to {ftype}:\n{result.stderr[-2000:]}")
    partial.replace(target)  # atomic: a concurrent run sees the whole file or none
    return target


def main() -> None:
    import ctypes

    import llama_cpp

    source, target, ftype = sys.argv[1:4]
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{ftype}")
    params.allow_requantize = True
    params.nthread = 2
    status = llama_cpp.llama_model_quantize(source.encode(), target.encode(), ctypes.byref(params))
    sys.exit(0 if status == 0 else f"llama_model_quantize returned {status}")


if __name__ == "__main__":
    main()
