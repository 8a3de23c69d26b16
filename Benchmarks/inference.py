"""Fallback-model inference speed (issue 5): prompt (pp) and generation (tg) tokens/s of `cortensor-edge model
bench` against llama.cpp (llama-cpp-python's build of it, same thread count, same file, same run), and peak RSS
while generating against the model file's size.

Models: SmolLM2-135M-Instruct Q4_1 (the real file, `scripts/python-env` fetches it), the same weights
re-quantized here to Q8_0 and Q4_0 with PyPI's gguf (every matrix; norms stay F32), and to Q4_K_M by llama.cpp
(`Tests/acceptance/llama_quantize.py`: Q5_0 for most of SmolLM2's 576-wide rows, Q4_K/Q6_K for `ffn_down`).

Usage: .venv/bin/python Benchmarks/inference.py [--binary PATH] [--threads 2] [--runs 3] [--prompt 128]
       [--generate 32]
Goals: tg >= 0.8x llama.cpp, pp >= 0.5x.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gguf
import gguf.quants
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "acceptance"))
from llama_quantize import quantized  # noqa: E402
SMOLLM2 = ROOT / ".venv" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"


def requantize(source: Path, target: Path, kind: gguf.GGMLQuantizationType) -> Path:
    """`source` with every 2-D tensor dequantized and quantized again as `kind`; metadata copied."""
    reader = gguf.GGUFReader(str(source))
    writer = gguf.GGUFWriter(str(target), arch=reader.fields["general.architecture"].contents())
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        value_type = field.types[0]
        if value_type == gguf.GGUFValueType.ARRAY:
            writer.add_array(name, field.contents())
        else:
            writer.add_key_value(name, field.contents(), value_type)
    for tensor in reader.tensors:
        values = gguf.quants.dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
        if len(tensor.shape) == 2:
            writer.add_tensor(tensor.name, gguf.quants.quantize(values, kind), raw_dtype=kind)
        else:
            writer.add_tensor(tensor.name, values)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return target


def ours(binary: Path, model: Path, threads: int, prompt: int, generate: int, runs: int) -> tuple[float, float]:
    out = subprocess.run([str(binary), "model", "bench", str(model), "--threads", str(threads), "--prompt-tokens",
                          str(prompt), "--generate", str(generate), "--repetitions", str(runs)],
                         capture_output=True, text=True, check=True).stdout
    pp = float(re.search(r"pp\d+: ([\d.]+)", out).group(1))
    tg = float(re.search(r"tg\d+: ([\d.]+)", out).group(1))
    return pp, tg


def llama_cpp(model: Path, threads: int, prompt: int, generate: int, runs: int) -> tuple[float, float]:
    from llama_cpp import Llama
    llm = Llama(str(model), n_ctx=prompt + generate + 8, n_batch=512, n_threads=threads, n_threads_batch=threads,
                verbose=False)
    vocabulary = llm.n_vocab()
    tokens = [(i * 7919 + 17) % vocabulary for i in range(prompt)]  # the same tokens `model bench` uses
    pp, tg = [], []
    for _ in range(runs):
        llm.reset()
        start = time.perf_counter()
        llm.eval(tokens)
        pp.append(prompt / (time.perf_counter() - start))
        start = time.perf_counter()
        for step in range(generate):
            llm.eval([tokens[step % prompt]])  # llama.cpp computes the last token's logits on every eval
        tg.append(generate / (time.perf_counter() - start))
    return statistics.median(pp), statistics.median(tg)


def peak_rss_generating(binary: Path, model: Path, threads: int) -> float:
    """Peak RSS (MiB) of `model run` generating 64 tokens, as GNU time reports it for that process (a child
    forked from this Python process would count the parent's pages until it execs)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M", str(binary), "model", "run", str(model), "--prompt",
                             "Tell me about the sea.", "--chat", "--temperature", "0", "--max-tokens", "64",
                             "--threads", str(threads)], capture_output=True, text=True, check=True)
    return int(result.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", type=Path, default=ROOT / ".build" / "release" / "cortensor-edge")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prompt", type=int, default=128)
    parser.add_argument("--generate", type=int, default=32)
    args = parser.parse_args()
    if not args.binary.is_file():
        sys.exit(f"no binary at {args.binary}: swift build -c release --static-swift-stdlib --product cortensor-edge")
    if not SMOLLM2.is_file():
        sys.exit(f"no model at {SMOLLM2}: run scripts/python-env")
    with tempfile.TemporaryDirectory() as folder:
        models = [("SmolLM2-135M Q4_1", SMOLLM2)]
        for kind in (gguf.GGMLQuantizationType.Q8_0, gguf.GGMLQuantizationType.Q4_0):
            models.append((f"SmolLM2-135M {kind.name} (re-quantized)",
                           requantize(SMOLLM2, Path(folder) / f"smollm2-{kind.name}.gguf", kind)))
        models.append(("SmolLM2-135M Q4_K_M (llama.cpp)", quantized(SMOLLM2, "Q4_K_M")))
        print(f"inference: pp{args.prompt} / tg{args.generate}, {args.threads} threads, median of {args.runs}")
        print(f"{'model':40}{'ours pp':>10}{'llama pp':>10}{'ratio':>7}{'ours tg':>10}{'llama tg':>10}{'ratio':>7}")
        for name, path in models:
            our_pp, our_tg = ours(args.binary, path, args.threads, args.prompt, args.generate, args.runs)
            ref_pp, ref_tg = llama_cpp(path, args.threads, args.prompt, args.generate, args.runs)
            print(f"{name:40}{our_pp:>10.1f}{ref_pp:>10.1f}{our_pp / ref_pp:>7.2f}"
                  f"{our_tg:>10.1f}{ref_tg:>10.1f}{our_tg / ref_tg:>7.2f}")
        size = SMOLLM2.stat().st_size / 2**20
        rss = peak_rss_generating(args.binary, SMOLLM2, args.threads)
        print(f"peak RSS generating 64 tokens: {rss:.1f} MiB; model file {size:.1f} MiB (ratio {rss / size:.2f})")
        print("goals: tg ratio >= 0.8, pp ratio >= 0.5")


if __name__ == "__main__":
    main()
