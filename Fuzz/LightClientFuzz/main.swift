// libFuzzer target for LightClient's pure core. Not part of Package.swift: Fuzz/run-fuzz.sh lightclient compiles
// this file with Sources/LightClient into one module.
//
// Byte 0 picks the parser; the rest is its input.

import Hashing
import JSON

/// libFuzzer's entry point: `size` bytes at `data`, owned by libFuzzer for the duration of the call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLightClient(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Sound: libFuzzer passes `size` readable bytes at `data` (possibly nil when size is 0); they are copied
    // out before returning and never retained.
    let bytes = unsafe Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    switch selector % 9 {
    case 0: checkRLP(input)
    case 1: checkABIDecoding(input)
    case 2: checkTypeText(input)
    case 3: checkTrie(input)
    case 4: checkProof(input)
    case 6: checkTransaction(input)
    case 7: checkKeystore(input)
    case 8: checkTypedData(input)
    default: checkText(input)
    }
    return 0
}

func require(_ condition: Bool, _ message: String) {
    if !condition { fatalError(message) }
}

/// RLP: strict decoding accepts only canonical encodings, so decode → encode is the identity.
func checkRLP(_ input: [UInt8]) {
    guard let item = try? RLPDecoder(maxDepth: 16).decode(input) else { return }
    require(item.encoded == input, "RLP decode/encode is the identity")
}

/// Types exercised by the ABI decoder: static, dynamic, nested, tuples (parsed per input: a global of indirect
/// enums was reported by LeakSanitizer at exit).
let abiTypeLists = [
    "(uint256,bytes)", "(int8,bool,address)", "(bytes[],string)", "((uint16,string)[2])", "(uint256[][],string[])",
    "((bytes3,(int256,bytes)[]))", "(string[3][])", "(bytes32,int64[2],(bool,string[]))",
]

/// ABI: whatever decodes re-encodes (strict layout) to data that decodes to the same values.
func checkABIDecoding(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let text = abiTypeLists[Int(selector) % abiTypeLists.count]
    guard case .tuple(let types)? = try? ABIType(parsing: text) else { fatalError("bad harness type \(text)") }
    guard let values = try? ABI.decode(types, from: Array(input.dropFirst())) else { return }
    guard let encoded = try? ABI.encode(values, as: types) else { fatalError("decoded values do not encode") }
    require((try? ABI.decode(types, from: encoded)) == values, "ABI decode → encode → decode is stable")
}

/// Type grammar: a parsed type prints canonically and parses back to itself.
func checkTypeText(_ input: [UInt8]) {
    let text = String(decoding: input, as: UTF8.self)
    if let type = try? ABIType(parsing: text) {
        require((try? ABIType(parsing: type.description)) == type, "type text round trip")
    }
    if let function = try? ABIFunction(signature: text) {
        require((try? ABIFunction(signature: function.canonicalSignature)) == function, "signature round trip")
    }
}

/// Trie: keys and values cut from the input; every key's proof verifies to its value, and keys next to them
/// verify as absent or as their own value.
func checkTrie(_ input: [UInt8]) {
    var entries: [[UInt8]: [UInt8]] = [:]
    var rest = input[...]
    while let keyLength = rest.popFirst(), let valueLength = rest.popFirst() {
        let key = Array(rest.prefix(Int(keyLength % 8)))
        rest = rest.dropFirst(key.count)
        let value = Array(rest.prefix(Int(valueLength % 40)))
        rest = rest.dropFirst(value.count)
        entries[key] = value.isEmpty ? nil : value
    }
    let trie = MerklePatriciaTrie(entries.map { (key: $0.key, value: $0.value) })
    for (key, value) in entries {
        require(trie.value(forKey: key) == value, "trie lookup")
        let proof = trie.proof(forKey: key)
        require((try? TrieProof.verify(root: trie.rootHash, key: key, proof: proof)) == value, "inclusion proof")
        for neighbor in [key + [0], Array(key.dropLast())] {
            let found = try? TrieProof.verify(root: trie.rootHash, key: neighbor, proof: trie.proof(forKey: neighbor))
            require(found == entries[neighbor], "neighbor proof")
        }
    }
}

/// Proof verification on arbitrary nodes (the rest of the input as an RLP list of byte strings, the first 32
/// bytes as the key) ends in a value, absence or a ProofError, never a trap.
func checkProof(_ input: [UInt8]) {
    guard input.count > 32, case .list(let items)? = try? RLPDecoder(maxDepth: 2).decode(Array(input.dropFirst(32)))
    else { return }
    let nodes = items.compactMap { try? $0.bytesValue() }
    let key = Array(input.prefix(32))
    let root = nodes.first.map { Keccak256.hash($0) } ?? MerklePatriciaTrie.emptyRootHash
    _ = try? TrieProof.verify(root: root, key: key, proof: nodes)
    _ = try? TrieProof.verify(root: Array(input.prefix(32)), key: key, proof: nodes)
}

/// Addresses and 256-bit integers from text: what parses prints back to text that parses to the same value.
func checkText(_ input: [UInt8]) {
    let text = String(decoding: input, as: UTF8.self)
    if let address = try? Address(parsing: text) {
        require((try? Address(parsing: address.checksummed)) == address, "address round trip")
    }
    if let number = UInt256(decimal: text) {
        require(UInt256(decimal: number.description) == number, "decimal round trip")
    }
    if let number = UInt256(hex: text) {
        require(UInt256(hex: number.hexString) == number, "hex round trip")
    }
    if let number = Int256(decimal: text) {
        require(Int256(decimal: number.description) == number, "signed round trip")
    }
}

/// Signed transactions: what decodes re-encodes to exactly the input (one encoding per transaction), and sender
/// recovery ends in an address or a SignatureError.
func checkTransaction(_ input: [UInt8]) {
    guard let transaction = try? SignedTransaction(rawBytes: input) else { return }
    require(transaction.rawBytes == input, "transaction decode/encode is the identity")
    _ = try? transaction.sender()
}

/// Keystores: any file ends in a key or a KeystoreError, within small cost limits (a hostile file is refused
/// before any work).
func checkKeystore(_ input: [UInt8]) {
    let limits = KeystoreLimits(maxScryptMemory: 1 << 20, maxScryptWork: 1 << 12, maxPBKDF2Iterations: 1 << 10)
    _ = try? Keystore.decrypt(input, password: "fuzz", limits: limits)
}

/// Typed data: any JSON ends in a digest or a TypedDataError, and the digest is stable.
func checkTypedData(_ input: [UInt8]) {
    guard let json = try? JSONValue.parse(input, limits: JSONLimits(maxDepth: 16)),
        let data = try? TypedData(json: json), let digest = try? data.digest()
    else { return }
    require((try? data.digest()) == digest, "typed data digest is deterministic")
}
