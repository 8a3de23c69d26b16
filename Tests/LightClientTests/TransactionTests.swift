import LightClient
import System
import TestSupport
import Testing

@Suite struct TransactionTests {
    static let eip155Key = try! PrivateKey(bytes: [UInt8](repeating: 0x46, count: 32))

    /// The example in EIP-155 itself.
    static let eip155Example = LegacyTransaction(
        nonce: 9, gasPrice: UInt256(20_000_000_000), gasLimit: 21000,
        to: try! Address(parsing: "0x3535353535353535353535353535353535353535"),
        value: UInt256(decimal: "1000000000000000000")!, chainID: 1)

    @Test func eip155Example() throws {
        let transaction = Transaction.legacy(Self.eip155Example)
        #expect(
            Hex.encode(transaction.signingHash)
                == "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let signed = transaction.signed(with: Self.eip155Key)
        #expect(
            signed.signature.r.description
                == "18515461264373351373200002665853028612451056578545711640558177340181847433846")
        #expect(
            signed.signature.s.description
                == "46948507304638947509940763649030358759909902576025900602547168820602576006531")
        #expect(
            Hex.encode(signed.rawBytes)
                == "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd9"
                + "39bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
        )
        let decoded = try SignedTransaction(rawBytes: signed.rawBytes)
        #expect(decoded == signed)
        #expect(try decoded.sender() == Self.eip155Key.address)
    }

    static func sample1559() throws -> EIP1559Transaction {
        EIP1559Transaction(
            chainID: 421614, nonce: 3, maxPriorityFeePerGas: 1_000_000, maxFeePerGas: 200_000_000, gasLimit: 90000,
            to: try Address(parsing: "0x00000000000000000000000000000000000000aa"), value: 12345,
            data: [0xde, 0xad, 0xbe, 0xef],
            accessList: [
                AccessListEntry(
                    address: try Address(parsing: "0x00000000000000000000000000000000000000bb"),
                    storageKeys: [[UInt8](repeating: 0, count: 31) + [1]])
            ])
    }

    @Test func eip1559RoundTrip() throws {
        let signed = Transaction.eip1559(try Self.sample1559()).signed(with: Self.eip155Key)
        #expect(signed.rawBytes.first == 0x02)
        let decoded = try SignedTransaction(rawBytes: signed.rawBytes)
        #expect(decoded == signed)
        #expect(decoded.hash == signed.hash)
        #expect(try decoded.sender() == Self.eip155Key.address)
    }

    @Test func legacyWithoutChainIDUsesV27() throws {
        var transaction = Self.eip155Example
        transaction.chainID = nil
        let signed = Transaction.legacy(transaction).signed(with: Self.eip155Key)
        let decoded = try SignedTransaction(rawBytes: signed.rawBytes)
        #expect(decoded == signed)
        #expect(try decoded.sender() == Self.eip155Key.address)
    }

    @Test func contractCreationHasNoRecipient() throws {
        var transaction = try Self.sample1559()
        transaction.to = nil
        let signed = Transaction.eip1559(transaction).signed(with: Self.eip155Key)
        #expect(try SignedTransaction(rawBytes: signed.rawBytes) == signed)
    }

    /// Replaces field `index` of a signed type-2 transaction's list.
    static func tampered1559(_ index: Int, _ item: RLPItem) throws -> [UInt8] {
        let raw = Transaction.eip1559(try sample1559()).signed(with: eip155Key).rawBytes
        var fields = try RLPDecoder().decode(Array(raw.dropFirst())).listValue()
        fields[index] = item
        return [2] + RLPItem.list(fields).encoded
    }

    @Test func malformedTransactionsAreRejected() throws {
        let n = Signature.groupOrder
        #expect(throws: TransactionError.unsupportedType(0x05)) { try SignedTransaction(rawBytes: [0x05, 0xc0]) }
        #expect(throws: TransactionError.rlp(.emptyInput)) { try SignedTransaction(rawBytes: []) }
        #expect(throws: TransactionError.fieldCount(expected: 12, found: 0)) {
            try SignedTransaction(rawBytes: [0x02, 0xc0])
        }
        #expect(throws: TransactionError.signature(.invalidRecoveryID(found: 2))) {
            try SignedTransaction(rawBytes: try Self.tampered1559(9, .uint(2)))
        }
        #expect(throws: TransactionError.signature(.highS)) {
            try SignedTransaction(rawBytes: try Self.tampered1559(11, .uint(n - 1)))
        }
        #expect(throws: TransactionError.signature(.scalarOutOfRange)) {
            try SignedTransaction(rawBytes: try Self.tampered1559(10, .uint(n)))
        }
        #expect(throws: TransactionError.invalidRecipient(byteCount: 19)) {
            try SignedTransaction(rawBytes: try Self.tampered1559(5, .bytes([UInt8](repeating: 1, count: 19))))
        }
        #expect(throws: TransactionError.rlp(.leadingZeroInInteger)) {
            try SignedTransaction(rawBytes: try Self.tampered1559(1, .bytes([0, 3])))
        }
        #expect(throws: TransactionError.valueTooLarge(field: "gas")) {
            try SignedTransaction(rawBytes: try Self.tampered1559(4, .uint(UInt256.one << 64)))
        }
        #expect(throws: TransactionError.invalidAccessList) {
            try SignedTransaction(rawBytes: try Self.tampered1559(8, .list([.list([.bytes([1])])])))
        }
        let legacy = Transaction.legacy(Self.eip155Example).signed(with: Self.eip155Key).rawBytes
        var fields = try RLPDecoder().decode(legacy).listValue()
        fields[6] = .uint(30)
        #expect(throws: TransactionError.invalidV(found: 30)) {
            try SignedTransaction(rawBytes: RLPItem.list(fields).encoded)
        }
    }
}
