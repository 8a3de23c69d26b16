#!/usr/bin/env bash
# Builds one libFuzzer target with AddressSanitizer and runs it for N seconds (default 60).
#
#   Fuzz/run-fuzz.sh <json|toml|sse|requests|ipld|multipart|gguf|lightclient> [seconds] [extra libFuzzer flags...]
#   Fuzz/run-fuzz.sh <target> --build-only
#   Fuzz/run-fuzz.sh <target> --seeds        build, then run every seed once (the check `make test` runs)
#
# None of the harnesses is part of Package.swift. Each target compiles a subset of Sources/ together with its
# harness (Fuzz/<Name>Fuzz/*.swift) into one module, so internal API is reachable without @testable (the copies it
# compiles drop their imports of the modules it inlines). Gateway files
# that `import JSON` get the JSON module compiled separately (also instrumented). The corpus is seeded from
# Tests/Vectors (JSON, copied from ../shared/testdata) or from the small seed files in Fuzz/<Name>Fuzz/seeds/. A crash or failed property
# makes the script exit non-zero; the reproducer lands in $FUZZ_WORK/<target>/artifacts/.
# Work files go to $FUZZ_WORK (default <package>/.build-fuzz, git-ignored).
set -euo pipefail

target="${1:-}"
shift || true
seconds=60
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
    seconds="$1"
    shift
fi
mode=fuzz
case "${1:-}" in
--build-only) mode=build; shift ;;
--seeds) mode=seeds; shift ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work_root="${FUZZ_WORK:-${JSON_FUZZ_WORK:-$root/.build-fuzz}}"
testdata="${CORTENSOR_TESTDATA:-$root/Tests/Vectors}"
src="$root/Sources"
gw="$src/Gateway"

swift_flags=(
    -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -package-name cortensor_edge
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault
    -strict-memory-safety -Werror StrictMemorySafety
)

# Builds one module of Sources/ (instrumented) as an object plus .swiftmodule in $work_root/modules, for harnesses
# whose sources import it: build_module NAME [swiftc flags...] -- SOURCES...
build_module() {
    local name="$1"
    shift
    local flags=()
    while [[ "$1" != "--" ]]; do
        flags+=("$1")
        shift
    done
    shift
    mkdir -p "$work_root/modules"
    swiftc "${swift_flags[@]}" -wmo -module-name "$name" -I "$work_root/modules" "${flags[@]}" -emit-module \
        -emit-module-path "$work_root/modules/$name.swiftmodule" -emit-object "$@" -o "$work_root/modules/$name.o"
}

max_len=16384
dict=""
# Modules whose files a target compiles into its own module: their `import` lines are dropped from its copies of the
# sources.
inlined=()
case "$target" in
json)
    sources=("$src"/JSON/*.swift)
    module=JSONFuzz
    dict="$root/Fuzz/json.dict"
    seed_dirs=("$testdata/JSONTestSuite/test_parsing")
    link=()
    ;;
toml)
    sources=("$gw"/Config/*.swift "$src/Upstream/MinerConfig.swift")
    inlined=(Upstream)
    module=TOMLFuzz
    dict="$root/Fuzz/toml.dict"
    seed_dirs=("$root/Fuzz/TOMLFuzz/seeds")
    link=(System Log TOML)
    ;;
sse)
    sources=("$src/Upstream/SSEDecoder.swift" "$src/Upstream/UpstreamDecoder.swift"
        "$src/Upstream/UpstreamRequest.swift" "$src/Upstream/UpstreamEventStream.swift"
        "$src/Upstream/UpstreamDecoder+Choices.swift" "$src/Upstream/ChoicePiece.swift")
    module=SSEFuzz
    dict="$root/Fuzz/sse.dict"
    seed_dirs=("$root/Fuzz/SSEFuzz/seeds")
    link=(System JSON)
    ;;
requests)
    # The closure of what CompletionRequest parsing and request framing need: APIError renders a Response
    # (HTTPServer), whose streaming body names ResponseBodyWriter and its error type, and whose server errors name
    # RequestFraming's problems.
    sources=(
        "$gw/API/CompletionRequest.swift" "$gw/API/CompletionRequest+Parsing.swift" "$gw/API/FieldReader.swift"
        "$gw/API/OpenAIRequestFields.swift" "$gw/API/OpenAIMessages.swift" "$gw/API/ResponsesRequest.swift"
        "$gw/API/APIError.swift" "$gw/API/Response+JSON.swift" "$gw/API/SessionID.swift"
        "$src/HTTPServer/Response.swift" "$src/HTTPServer/HTTPHeaders.swift"
        "$src/HTTPServer/ResponseBodyWriter.swift" "$src/HTTPServer/HTTPServerError.swift"
        "$src/HTTPServer/RequestFraming.swift"
    )
    inlined=(HTTPServer)
    module=RequestsFuzz
    dict="$root/Fuzz/json.dict"
    seed_dirs=("$root/Fuzz/RequestsFuzz/seeds")
    link=(System JSON)
    ;;
ipld)
    # Multibase, CIDs, varints, DAG-PB, DAG-CBOR and DAG-JSON links, UnixFS data and CAR framing: everything the
    # block store reads.
    sources=("$src"/Cache/Multiformats/*.swift "$src"/Cache/DAG/*.swift "$src"/Cache/UnixFS/UnixFSData.swift
        "$src"/Cache/UnixFS/UnixFSReader.swift "$src"/Cache/CAR/CARFormat.swift "$src"/Cache/CAR/CARReader.swift)
    module=IPLDFuzz
    seed_dirs=("$root/Fuzz/IPLDFuzz/seeds")
    link=(System Hashing JSON)
    ;;
lightclient)
    # Keccak, RLP, ABI, addresses, 256-bit integers, the Merkle-Patricia trie and proofs, signed transactions,
    # keystores and typed data (with JSON, Hashing/libcrypto and libsecp256k1).
    sources=("$src"/LightClient/*.swift)
    module=LightClientFuzz
    seed_dirs=("$root/Fuzz/LightClientFuzz/seeds")
    link=(System JSON Hashing Secp256k1)
    ;;
multipart)
    sources=("$gw/IPFS/MultipartForm.swift")
    module=MultipartFuzz
    seed_dirs=("$root/Fuzz/MultipartFuzz/seeds")
    link=(System)
    ;;
gguf)
    # The whole Inference target (GGUF reader, tensor views, model, tokenizer...) over both builds of the kernels.
    mapfile -t sources < <(find "$src/Inference" -name '*.swift' | sort)
    module=GGUFFuzz
    dict="$root/Fuzz/gguf.dict"
    seed_dirs=("$root/Fuzz/GGUFFuzz/seeds")
    link=(System JSON InferenceKernels)
    ;;
*)
    echo "usage: Fuzz/run-fuzz.sh <json|toml|sse|requests|ipld|multipart|gguf|lightclient> [seconds] [--build-only | --seeds | libFuzzer flags...]" >&2
    exit 2
    ;;
esac

work="$work_root/$target"
mkdir -p "$work/corpus" "$work/artifacts"
for dir in "${seed_dirs[@]}"; do
    if [[ ! -d "$dir" ]]; then
        echo "run-fuzz: no seed corpus at $dir (set CORTENSOR_TESTDATA for the JSON suite)" >&2
        exit 1
    fi
    cp -n "$dir"/* "$work/corpus/"
done

extra_objects=()
include=()
include=(-I "$work_root/modules")
if [[ " ${link[*]} " == *" System "* ]]; then
    build_module System -- "$src"/System/*.swift
    extra_objects+=("$work_root/modules/System.o")
fi
if [[ " ${link[*]} " == *" JSON "* ]]; then
    build_module JSON -- "$src"/JSON/*.swift
    extra_objects+=("$work_root/modules/JSON.o")
fi
if [[ " ${link[*]} " == *" Hashing "* ]]; then
    build_module Hashing -I "$src/COpenSSL" -- "$src"/Hashing/*.swift
    extra_objects+=("$work_root/modules/Hashing.o" -lcrypto)
    include+=(-I "$src/COpenSSL")
fi
if [[ " ${link[*]} " == *" TOML "* ]]; then
    build_module TOML -- "$src"/TOML/*.swift
    extra_objects+=("$work_root/modules/TOML.o")
fi
if [[ " ${link[*]} " == *" Log "* ]]; then
    build_module Log -- "$src"/Log/*.swift
    extra_objects+=("$work_root/modules/Log.o")
fi
if [[ " ${link[*]} " == *" InferenceKernels "* ]]; then
    # As in Package.swift: the AVX2 build only on x86-64 (elsewhere it is the same code for the baseline target).
    avx2_flags=()
    [[ "$(uname -m)" == x86_64 ]] && avx2_flags=(-target-cpu haswell -D INFERENCE_AVX2)
    build_module InferenceKernels -- "$src"/InferenceKernels/*.swift
    build_module InferenceKernelsAVX2 "${avx2_flags[@]}" -- "$src"/InferenceKernelsAVX2/*.swift
    extra_objects+=("$work_root/modules/InferenceKernels.o" "$work_root/modules/InferenceKernelsAVX2.o")
fi
if [[ " ${link[*]} " == *" Secp256k1 "* ]]; then
    extra_objects+=(-lsecp256k1)
    include+=(-I "$src/CSecp256k1")
fi

if [[ ${#inlined[@]} -gt 0 ]]; then
    copies="$work/sources"
    rm -rf "$copies"
    mkdir -p "$copies"
    pattern="^(public |package )?import ($(
        IFS='|'
        echo "${inlined[*]}"
    ))\$"
    copied=()
    for file in "${sources[@]}"; do
        copy="$copies/$(basename "$(dirname "$file")")-$(basename "$file")"
        grep -Ev "$pattern" "$file" >"$copy"
        copied+=("$copy")
    done
    sources=("${copied[@]}")
fi

swiftc "${swift_flags[@]}" -module-name "$module" "${include[@]}" \
    "${sources[@]}" "$root/Fuzz/$module"/*.swift "${extra_objects[@]}" \
    -o "$work/$target-fuzz"

case $mode in
build)
    echo "run-fuzz: built $work/$target-fuzz"
    exit 0
    ;;
seeds)
    # The seeds alone, each run once (-runs=0 stops after the initial corpus): the harness's properties on known
    # inputs, without the corpus earlier runs grew.
    exec "$work/$target-fuzz" -runs=0 -max_len="$max_len" -artifact_prefix="$work/artifacts/" "${seed_dirs[@]}"
    ;;
esac

exec "$work/$target-fuzz" \
    -max_total_time="$seconds" \
    -max_len="$max_len" \
    ${dict:+-dict="$dict"} \
    -artifact_prefix="$work/artifacts/" \
    "$@" \
    "$work/corpus"
