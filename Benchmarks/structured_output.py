"""Constrained decoding cost on the fallback model (issue 22): generation tokens/s with a strict JSON Schema
(`response_format` json_schema) against the same prompts unconstrained, through the router's local model, and
llama.cpp (llama-cpp-python) with the equivalent GBNF grammar (`LlamaGrammar.from_json_schema`) and without, on
the same file, same threads, same run. Greedy, streamed; tokens/s is measured from the first streamed token to
the last (prompt evaluation excluded), per prompt; medians over the prompts.

Usage: .venv/bin/python Benchmarks/structured_output.py [--binary .build/release/cortensor-edge] [--prompts 20]
Goal: ours with a schema >= 0.8x ours unconstrained.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import openai

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "acceptance"))
from conftest import DEV_KEY, RouterFactory  # noqa: E402
from structured_prompts import PROMPTS, RESPONSE_FORMAT, SCHEMA  # noqa: E402
from test_fallback_model import fallback_env  # noqa: E402
from test_model_cli import SMOLLM2  # noqa: E402

MAX_TOKENS = 400


def rate(tokens: int, first: float | None, last: float | None) -> float | None:
    return (tokens - 1) / (last - first) if first is not None and last is not None and last > first and tokens > 1 \
        else None


def ours(client: openai.OpenAI, prompt: str, constrained: bool) -> tuple[float | None, str]:
    extra = {"response_format": RESPONSE_FORMAT} if constrained else {}
    stream = client.chat.completions.create(
        model="smollm2", messages=[{"role": "user", "content": prompt}], temperature=0, max_tokens=MAX_TOKENS,
        stream=True, stream_options={"include_usage": True}, extra_body={"cache": False}, **extra)
    first = last = None
    text, tokens = "", 0
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            last = time.perf_counter()
            first = first or last
            text += chunk.choices[0].delta.content
        if chunk.usage:
            tokens = chunk.usage.completion_tokens
    return rate(tokens, first, last), text


def llama(model, prompt: str, grammar) -> tuple[float | None, str]:
    first = last = None
    text, tokens = "", 0
    for chunk in model.create_chat_completion(
            messages=[{"role": "user", "content": prompt}], temperature=0, max_tokens=MAX_TOKENS, stream=True,
            grammar=grammar):
        content = chunk["choices"][0]["delta"].get("content")
        if content:
            last = time.perf_counter()
            first = first or last
            text += content
            tokens += 1
    return rate(tokens, first, last), text


def valid(text: str) -> bool:
    try:
        jsonschema.validate(json.loads(text), SCHEMA)
        return True
    except (ValueError, jsonschema.ValidationError):
        return False


def summary(name: str, results: list[tuple[float | None, str]]) -> float:
    rates = [r for r, _ in results if r]
    median = statistics.median(rates)
    print(f"{name:34s} median {median:7.1f} tok/s  (min {min(rates):6.1f}, max {max(rates):6.1f}); "
          f"valid JSON for the schema: {sum(valid(t) for _, t in results)}/{len(results)}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", type=Path, default=ROOT / ".build" / "release" / "cortensor-edge")
    parser.add_argument("--prompts", type=int, default=len(PROMPTS))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    prompts = PROMPTS[:args.prompts]

    with tempfile.TemporaryDirectory() as tmp:
        factory = RouterFactory(binary=args.binary, tmp=Path(tmp))
        try:
            router = factory(env=fallback_env(SMOLLM2, max_tokens=str(MAX_TOKENS), threads=str(args.threads)))
            client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=600)
            ours(client, prompts[0], True)  # warm-up: the token trie and the first masks
            results = {
                "ours, json_schema": [ours(client, p, True) for p in prompts],
                "ours, unconstrained": [ours(client, p, False) for p in prompts],
            }
        finally:
            factory.teardown()
    try:
        from llama_cpp import Llama, LlamaGrammar
    except ImportError:
        print("llama-cpp-python is not installed (scripts/python-env): llama.cpp not measured")
        Llama = None
    if Llama is not None:
        model = Llama(str(SMOLLM2), n_ctx=1024, n_threads=args.threads, verbose=False)
        grammar = LlamaGrammar.from_json_schema(json.dumps(SCHEMA), verbose=False)
        results["llama.cpp, GBNF from the schema"] = [llama(model, p, grammar) for p in prompts]
        results["llama.cpp, unconstrained"] = [llama(model, p, None) for p in prompts]
    medians = {name: summary(name, r) for name, r in results.items()}
    print(f"ours schema/unconstrained: {medians['ours, json_schema'] / medians['ours, unconstrained']:.2f}x "
          "(goal >= 0.8x)")
    if Llama is not None:
        print(f"llama.cpp schema/unconstrained: "
              f"{medians['llama.cpp, GBNF from the schema'] / medians['llama.cpp, unconstrained']:.2f}x; "
              f"ours/llama.cpp with the schema: "
              f"{medians['ours, json_schema'] / medians['llama.cpp, GBNF from the schema']:.2f}x")


if __name__ == "__main__":
    main()
