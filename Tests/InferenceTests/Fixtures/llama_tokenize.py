"""llama.cpp's view of a GGUF vocabulary, for the Swift tokenizer tests to compare with.

Reads a JSON list of strings on stdin; writes one JSON object: the vocabulary's GGUF fields (read with PyPI's
gguf) and, for each string, the token ids llama.cpp (llama-cpp-python, vocab only) gives it with and without
parsing special tokens, and the piece bytes of every id it produced.

Usage: python llama_tokenize.py MODEL.gguf < texts.json > answer.json
"""

from __future__ import annotations

import json
import sys

import gguf
from llama_cpp import Llama


def field(reader: gguf.GGUFReader, name: str):
    value = reader.fields.get(name)
    return None if value is None else value.contents()


def main() -> None:
    path = sys.argv[1]
    texts = json.load(sys.stdin)
    reader = gguf.GGUFReader(path)
    vocabulary = {
        name: field(reader, f"tokenizer.ggml.{name}")
        for name in ("model", "pre", "tokens", "scores", "token_type", "merges", "bos_token_id", "eos_token_id",
                     "unknown_token_id", "add_bos_token", "add_eos_token", "add_space_prefix")
    }
    llama = Llama(path, vocab_only=True, verbose=False)
    cases = []
    for text in texts:
        plain = llama.tokenize(text.encode(), add_bos=True, special=False)
        special = llama.tokenize(text.encode(), add_bos=False, special=True)
        cases.append({"text": text, "ids": plain, "special_ids": special})
    ids = sorted({i for case in cases for i in case["ids"] + case["special_ids"]})
    pieces = {str(i): list(llama.detokenize([i])) for i in ids}
    json.dump({"vocabulary": vocabulary, "cases": cases, "pieces": pieces}, sys.stdout)


if __name__ == "__main__":
    main()
