/// Why raw transaction bytes were rejected.
public enum TransactionError: Error, Equatable, Sendable {
    /// The bytes are not strict RLP.
    case rlp(RLPError)
    /// An envelope type this client does not decode.
    case unsupportedType(UInt8)
    /// The list has the wrong number of fields.
    case fieldCount(expected: Int, found: Int)
    /// A recipient that is neither empty nor 20 bytes.
    case invalidRecipient(byteCount: Int)
    /// A nonce or gas limit above 2^64 − 1.
    case valueTooLarge(field: String)
    /// A malformed access list.
    case invalidAccessList
    /// A legacy v that is neither 27/28 nor chainId·2 + 35/36.
    case invalidV(found: UInt256)
    /// The signature values are out of range.
    case signature(SignatureError)
}

extension SignedTransaction {
    /// Decodes signed raw bytes (legacy or type 2), checking every field and the signature's ranges (low s).
    public init(rawBytes: [UInt8]) throws(TransactionError) {
        guard let first = rawBytes.first else { throw .rlp(.emptyInput) }
        if first >= 0xC0 {
            self = try Self.decodeLegacy(try Self.fields(rawBytes, count: 9))
        } else if first == EIP1559Transaction.type {
            self = try Self.decode1559(try Self.fields(Array(rawBytes.dropFirst()), count: 12))
        } else {
            throw .unsupportedType(first)
        }
    }

    private static func fields(_ bytes: [UInt8], count: Int) throws(TransactionError) -> [RLPItem] {
        let items: [RLPItem]
        do throws(RLPError) {
            items = try RLPDecoder().decode(bytes).listValue()
        } catch {
            throw .rlp(error)
        }
        guard items.count == count else { throw .fieldCount(expected: count, found: items.count) }
        return items
    }

    private static func decodeLegacy(_ items: [RLPItem]) throws(TransactionError) -> SignedTransaction {
        let v = try uint(items[6])
        let (chainID, yParity): (UInt256?, UInt8)
        if v == 27 || v == 28 {
            (chainID, yParity) = (nil, UInt8(v.w0 - 27))
        } else if v >= 37 {
            let offset = v - 35
            (chainID, yParity) = (offset / 2, UInt8(truncatingIfNeeded: (offset % 2).w0))
        } else {
            throw .invalidV(found: v)
        }
        let transaction = LegacyTransaction(
            nonce: try uint64(items[0], "nonce"), gasPrice: try uint(items[1]), gasLimit: try uint64(items[2], "gas"),
            to: try recipient(items[3]), value: try uint(items[4]), data: try bytes(items[5]), chainID: chainID)
        return SignedTransaction(
            transaction: .legacy(transaction), signature: try signature(items[7], items[8], yParity: yParity))
    }

    private static func decode1559(_ items: [RLPItem]) throws(TransactionError) -> SignedTransaction {
        let parity = try uint(items[9])
        guard parity <= 1 else { throw .signature(.invalidRecoveryID(found: parity)) }
        let transaction = EIP1559Transaction(
            chainID: try uint(items[0]), nonce: try uint64(items[1], "nonce"),
            maxPriorityFeePerGas: try uint(items[2]), maxFeePerGas: try uint(items[3]),
            gasLimit: try uint64(items[4], "gas"), to: try recipient(items[5]), value: try uint(items[6]),
            data: try bytes(items[7]), accessList: try accessList(items[8]))
        return SignedTransaction(
            transaction: .eip1559(transaction),
            signature: try signature(items[10], items[11], yParity: UInt8(parity.w0)))
    }

    private static func signature(_ r: RLPItem, _ s: RLPItem, yParity: UInt8) throws(TransactionError) -> Signature {
        let (rValue, sValue) = (try uint(r), try uint(s))
        do throws(SignatureError) {
            return try Signature(r: rValue, s: sValue, yParity: yParity)
        } catch {
            throw .signature(error)
        }
    }

    private static func uint(_ item: RLPItem) throws(TransactionError) -> UInt256 {
        do throws(RLPError) { return try item.uint256Value() } catch { throw .rlp(error) }
    }

    private static func uint64(_ item: RLPItem, _ field: String) throws(TransactionError) -> UInt64 {
        guard let value = try uint(item).uint64Value else { throw .valueTooLarge(field: field) }
        return value
    }

    private static func bytes(_ item: RLPItem) throws(TransactionError) -> [UInt8] {
        do throws(RLPError) { return try item.bytesValue() } catch { throw .rlp(error) }
    }

    private static func recipient(_ item: RLPItem) throws(TransactionError) -> Address? {
        let raw = try bytes(item)
        if raw.isEmpty { return nil }
        guard let address = Address(bytes: raw) else { throw .invalidRecipient(byteCount: raw.count) }
        return address
    }

    private static func accessList(_ item: RLPItem) throws(TransactionError) -> [AccessListEntry] {
        guard case .list(let entries) = item else { throw .invalidAccessList }
        var result: [AccessListEntry] = []
        for entry in entries {
            guard case .list(let parts) = entry, parts.count == 2, case .bytes(let raw) = parts[0],
                let address = Address(bytes: raw), case .list(let keyItems) = parts[1]
            else { throw .invalidAccessList }
            var keys: [[UInt8]] = []
            for keyItem in keyItems {
                guard case .bytes(let key) = keyItem, key.count == 32 else { throw .invalidAccessList }
                keys.append(key)
            }
            result.append(AccessListEntry(address: address, storageKeys: keys))
        }
        return result
    }
}
