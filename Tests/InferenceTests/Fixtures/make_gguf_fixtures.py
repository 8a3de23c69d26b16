"""Write the GGUF files and float32 references the InferenceTests read.

Usage: python make_gguf_fixtures.py OUT_DIR

OUT_DIR/all_types.gguf holds one metadata key per GGUF value type (arrays of every element type, arrays of strings
and nested arrays included) and, for each supported tensor type, a (9, 512) matrix named after the type (`q4_k`,
...), plus a few odd shapes. For every tensor NAME, OUT_DIR/NAME.f32 holds its values as little-endian float32
computed by gguf.quants (row-major, rows of ne[0] elements). OUT_DIR/x512.f32 and x37.f32 are activation vectors,
x512.q8_0 the first quantized to Q8_0 blocks by gguf.
OUT_DIR/aligned64.gguf uses general.alignment = 64.

Types gguf can quantize (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) are quantized from random floats; for Q4_K and Q6_K, which gguf only
dequantizes, the blocks are random bytes with finite float16 scales.
"""

from __future__ import annotations

import sys
from pathlib import Path

import gguf
import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf import GGUFValueType as V

ROWS = 9
COLS = 512
# The tensor types of all_types.gguf, in file order (the Swift tests list the same).
TYPES = (Q.F32, Q.F16, Q.Q4_0, Q.Q4_1, Q.Q8_0, Q.Q4_K, Q.Q6_K, Q.Q5_0, Q.Q5_1)


def metadata(writer: gguf.GGUFWriter) -> None:
    """One key per value type; the Swift test expects exactly these values."""
    writer.add_uint8("test.u8", 200)
    writer.add_int8("test.i8", -100)
    writer.add_uint16("test.u16", 60000)
    writer.add_int16("test.i16", -30000)
    writer.add_uint32("test.u32", 4_000_000_000)
    writer.add_int32("test.i32", -2_000_000_000)
    writer.add_uint64("test.u64", 18_000_000_000_000_000_000)
    writer.add_int64("test.i64", -9_000_000_000_000_000_000)
    writer.add_float32("test.f32", 1.5)
    writer.add_float64("test.f64", -2.25)
    writer.add_bool("test.bool", True)
    writer.add_string("test.string", "héllo, 世界")
    arrays = {
        V.UINT8: [1, 2, 255],
        V.INT8: [-128, 0, 127],
        V.UINT16: [0, 65535],
        V.INT16: [-32768, 32767],
        V.UINT32: [0, 4294967295],
        V.INT32: [-2147483648, 2147483647],
        V.UINT64: [0, 18446744073709551615],
        V.INT64: [-9223372036854775808, 9223372036854775807],
        V.FLOAT32: [0.5, -1.0, 3.25],
        V.FLOAT64: [0.125, -1e300],
        V.BOOL: [True, False, True],
        V.STRING: ["a", "", "日本語", "<0x0A>"],
    }
    for value_type, values in arrays.items():
        writer.add_key_value(f"test.array.{value_type.name.lower()}", values, V.ARRAY, sub_type=value_type)
    writer.add_key_value("test.array.nested", [[1, 2], [3]], V.ARRAY, sub_type=V.ARRAY)
    writer.add_key_value("test.array.nested_strings", [["x"], ["y", "z"]], V.ARRAY, sub_type=V.ARRAY)


def random_k_blocks(rng: np.random.Generator, qtype: Q, rows: int, cols: int) -> np.ndarray:
    """Random Q4_K / Q6_K rows whose float16 scales are finite."""
    block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
    blocks = rng.integers(0, 256, size=(rows, cols // block_size, type_size), dtype=np.uint8)
    if qtype == Q.Q4_K:  # d, dmin first
        scales = rng.uniform(0.0005, 0.02, size=(rows, cols // block_size, 2)).astype(np.float16)
        blocks[..., 0:4] = scales.view(np.uint8)
    else:  # Q6_K: d last
        scales = rng.uniform(-0.01, 0.01, size=(rows, cols // block_size, 1)).astype(np.float16)
        blocks[..., 208:210] = scales.view(np.uint8)
    return blocks.reshape(rows, -1)


def tensor(rng: np.random.Generator, qtype: Q, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(data to write, float32 reference) for a tensor of numpy `shape` (last axis = ne[0])."""
    values = rng.standard_normal(shape).astype(np.float32)
    if qtype == Q.F32:
        return values, values
    if qtype == Q.F16:
        half = values.astype(np.float16)
        return half, half.astype(np.float32)
    if qtype in (Q.Q4_K, Q.Q6_K):
        flat = random_k_blocks(rng, qtype, int(np.prod(shape[:-1])), shape[-1])
        data = flat.reshape(*shape[:-1], -1)
    else:
        data = gguf.quants.quantize(values, qtype)
    return data, gguf.quants.dequantize(data, qtype).astype(np.float32)


def write_all_types(out: Path, rng: np.random.Generator) -> None:
    writer = gguf.GGUFWriter(str(out / "all_types.gguf"), "test")
    metadata(writer)
    specs: list[tuple[str, Q, tuple[int, ...]]] = [
        (qtype.name.lower(), qtype, (ROWS, COLS)) for qtype in TYPES
    ]
    specs += [
        ("f32_odd", Q.F32, (3, 37)),
        ("f16_odd", Q.F16, (3, 37)),
        ("q8_0_3d", Q.Q8_0, (2, 3, 64)),
        ("norm", Q.F32, (COLS,)),
    ]
    for name, qtype, shape in specs:
        data, reference = tensor(rng, qtype, shape)
        raw_dtype = None if qtype in (Q.F32, Q.F16) else qtype
        writer.add_tensor(name, data, raw_dtype=raw_dtype)
        reference.astype("<f4").tofile(out / f"{name}.f32")
    # Rows in groups of eight (the AVX2 build interleaves Q4_0 rows so), from a generator of its own so the
    # tensors and vectors above stay as they were.
    data, reference = tensor(np.random.default_rng(8), Q.Q4_0, (24, COLS))
    writer.add_tensor("q4_0_rows24", data, raw_dtype=Q.Q4_0)
    reference.astype("<f4").tofile(out / "q4_0_rows24.f32")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def write_aligned64(out: Path, rng: np.random.Generator) -> None:
    writer = gguf.GGUFWriter(str(out / "aligned64.gguf"), "test")
    writer.add_custom_alignment(64)
    for name, count in (("a", 5), ("b", 7)):
        values = rng.standard_normal((count,)).astype(np.float32)
        writer.add_tensor(name, values)
        values.astype("<f4").tofile(out / f"aligned64.{name}.f32")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261128)
    write_all_types(out, rng)
    write_aligned64(out, rng)
    for count in (COLS, 37):
        x = rng.standard_normal((count,)).astype("<f4")
        x.tofile(out / f"x{count}.f32")
    # The activation vector as gguf quantizes it to Q8_0 (f16 scale + 32 int8 per block), as llama.cpp does.
    gguf.quants.quantize(np.fromfile(out / f"x{COLS}.f32", dtype="<f4"), Q.Q8_0).tofile(out / f"x{COLS}.q8_0")


if __name__ == "__main__":
    main()
