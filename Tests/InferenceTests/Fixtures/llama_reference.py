"""llama.cpp's forward pass on a GGUF model (llama-cpp-python), for the Swift model tests to compare with.

Reads JSON on stdin: {"prompt": [token ids], "generate": N}. Writes JSON: "logits", the next-token logits after
every prompt token (one list per position), and "greedy", the N tokens greedy decoding picks after the prompt.

Usage: python llama_reference.py MODEL.gguf < request.json > answer.json
"""

from __future__ import annotations

import json
import sys

import numpy as np
from llama_cpp import Llama


def main() -> None:
    request = json.load(sys.stdin)
    prompt = request["prompt"]
    llama = Llama(sys.argv[1], n_ctx=512, n_batch=512, logits_all=True, n_threads=2, seed=0, verbose=False)
    llama.eval(prompt)
    logits = [llama.scores[i].tolist() for i in range(len(prompt))]
    greedy = []
    for _ in range(request["generate"]):
        token = int(np.argmax(llama.scores[llama.n_tokens - 1]))
        greedy.append(token)
        llama.eval([token])
    json.dump({"logits": logits, "greedy": greedy}, sys.stdout)


if __name__ == "__main__":
    main()
