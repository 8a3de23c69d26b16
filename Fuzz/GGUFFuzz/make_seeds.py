"""Write the GGUF fuzz seeds: small files holding every metadata type and one row of every tensor type.

Usage: .venv/bin/python Fuzz/GGUFFuzz/make_seeds.py Fuzz/GGUFFuzz/seeds   (gguf==0.19.0, numpy==2.4.6)
"""

import importlib.util
import sys
from pathlib import Path

import gguf
import numpy as np
from gguf import GGMLQuantizationType as Q

fixtures_path = Path(__file__).resolve().parents[2] / "Tests/InferenceTests/Fixtures/make_gguf_fixtures.py"
spec = importlib.util.spec_from_file_location("fixtures", fixtures_path)
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)

writer = gguf.GGUFWriter(str(out / "metadata.gguf"), "test")
fixtures.metadata(writer)
writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()

for qtype in fixtures.TYPES:
    writer = gguf.GGUFWriter(str(out / f"{qtype.name.lower()}.gguf"), "test")
    shape = (2, 256) if qtype not in (Q.F32, Q.F16) else (2, 19)
    data, _ = fixtures.tensor(rng, qtype, shape)
    writer.add_tensor("w", data, raw_dtype=None if qtype in (Q.F32, Q.F16) else qtype)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
