"""Write a tiny random-weight llama GGUF that llama.cpp loads and generates from.

The model is nonsense (random weights) but structurally complete: a SentencePiece ("llama") vocabulary with
<unk>/<s>/</s>, all 256 byte tokens <0x00>..<0xFF> and a few hundred word pieces, 2 transformer blocks, F32
tensors named the way llama.cpp's `llama` architecture expects. Byte tokens make llama.cpp emit partial UTF-8,
which its server streams as chunks with empty text — a case the router has to relay.

Usage: python tiny_gguf.py OUT.gguf
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import gguf

MODEL_NAME = "tiny-llama"

# Shapes: llama.cpp's ne order is reversed from numpy's, so a numpy (rows, cols) array is ne {cols, rows}.
N_EMBD = 64  # model width
N_HEAD = 4  # query heads
N_HEAD_KV = 2  # key/value heads (grouped-query attention)
HEAD_DIM = N_EMBD // N_HEAD  # 16
N_FF = 128  # feed-forward width
N_LAYER = 2
N_CTX = 512

_WORDS = (
    "the of and to in is you that it he was for on are as with his they at be this have from or one had by "
    "word but not what all were we when your can said there use an each which she do how their if will up "
    "other about out many then them these so some her would make like him into time has look two more write "
    "go see number no way could people my than first water been call who oil its now find long down day did "
    "get come made may part router miner token stream edge cortensor hello world model answer question"
).split()


def vocabulary() -> tuple[list[str], list[float], list[int]]:
    """Tokens, scores and token types of an SPM vocabulary: specials, 256 byte tokens, then pieces."""
    tokens: list[str] = ["<unk>", "<s>", "</s>"]
    scores: list[float] = [0.0, 0.0, 0.0]
    types: list[int] = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        scores.append(0.0)
        types.append(gguf.TokenType.BYTE)
    pieces: list[str] = []
    pieces += list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'-:;")
    pieces += ["\u2581"]  # the SentencePiece space marker on its own
    pieces += ["\u2581" + w for w in _WORDS]
    pieces += [w for w in _WORDS if len(w) > 2]
    seen: set[str] = set()
    for i, piece in enumerate(pieces):
        if piece in seen:
            continue
        seen.add(piece)
        tokens.append(piece)
        scores.append(-float(i))  # earlier (shorter/common) pieces merge first
        types.append(gguf.TokenType.NORMAL)
    return tokens, scores, [int(t) for t in types]


def write_tiny_llama(path: str | Path, seed: int = 1234) -> Path:
    """Write the model to `path` and return it."""
    path = Path(path)
    rng = np.random.default_rng(seed)
    tokens, scores, types = vocabulary()
    n_vocab = len(tokens)

    def weights(*shape: int, scale: float = 0.08) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    def ones(n: int) -> np.ndarray:
        return np.ones((n,), dtype=np.float32)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(MODEL_NAME)
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_rope_dimension_count(HEAD_DIM)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)

    writer.add_tensor("token_embd.weight", weights(n_vocab, N_EMBD, scale=1.0))  # (vocab, embd)
    for layer in range(N_LAYER):
        p = f"blk.{layer}."
        writer.add_tensor(p + "attn_norm.weight", ones(N_EMBD))  # (embd)
        writer.add_tensor(p + "attn_q.weight", weights(N_HEAD * HEAD_DIM, N_EMBD))  # (heads*dim, embd)
        writer.add_tensor(p + "attn_k.weight", weights(N_HEAD_KV * HEAD_DIM, N_EMBD))  # (kv_heads*dim, embd)
        writer.add_tensor(p + "attn_v.weight", weights(N_HEAD_KV * HEAD_DIM, N_EMBD))  # (kv_heads*dim, embd)
        writer.add_tensor(p + "attn_output.weight", weights(N_EMBD, N_HEAD * HEAD_DIM))  # (embd, heads*dim)
        writer.add_tensor(p + "ffn_norm.weight", ones(N_EMBD))  # (embd)
        writer.add_tensor(p + "ffn_gate.weight", weights(N_FF, N_EMBD))  # (ff, embd)
        writer.add_tensor(p + "ffn_up.weight", weights(N_FF, N_EMBD))  # (ff, embd)
        writer.add_tensor(p + "ffn_down.weight", weights(N_EMBD, N_FF))  # (embd, ff)
    writer.add_tensor("output_norm.weight", ones(N_EMBD))  # (embd)
    writer.add_tensor("output.weight", weights(n_vocab, N_EMBD, scale=1.0))  # (vocab, embd)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: tiny_gguf.py OUT.gguf", file=sys.stderr)
        sys.exit(2)
    out = write_tiny_llama(sys.argv[1])
    print(out)
