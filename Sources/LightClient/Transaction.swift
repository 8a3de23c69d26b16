import Hashing

/// An unsigned transaction of one of the supported envelopes.
public enum Transaction: Hashable, Sendable {
    /// A legacy transaction, replay-protected by EIP-155 when it has a chain id.
    case legacy(LegacyTransaction)
    /// An EIP-1559 dynamic-fee transaction (type 2).
    case eip1559(EIP1559Transaction)

    /// The digest the sender signs.
    public var signingHash: [UInt8] {
        switch self {
        case .legacy(let transaction): Keccak256.hash(RLPItem.list(transaction.signingFields).encoded)
        case .eip1559(let transaction): Keccak256.hash([EIP1559Transaction.type] + transaction.unsignedRLP.encoded)
        }
    }

    /// Signs with `key`.
    public func signed(with key: PrivateKey) -> SignedTransaction {
        let signature = try! key.sign(digest: signingHash)  // keccak digests are 32 bytes
        return SignedTransaction(transaction: self, signature: signature)
    }
}

/// A legacy (untyped) transaction.
public struct LegacyTransaction: Hashable, Sendable {
    /// The sender's transaction count.
    public var nonce: UInt64
    /// Wei per unit of gas.
    public var gasPrice: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient; `nil` creates a contract.
    public var to: Address?
    /// Wei sent.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]
    /// The EIP-155 chain id; `nil` for an unprotected (pre-EIP-155) transaction.
    public var chainID: UInt256?

    /// A transaction with these fields.
    public init(
        nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?, value: UInt256, data: [UInt8] = [],
        chainID: UInt256?
    ) {
        (self.nonce, self.gasPrice, self.gasLimit, self.to, self.value) = (nonce, gasPrice, gasLimit, to, value)
        (self.data, self.chainID) = (data, chainID)
    }

    /// The six payload fields, in order.
    var payloadFields: [RLPItem] {
        [
            .uint(UInt256(nonce)), .uint(gasPrice), .uint(UInt256(gasLimit)), .bytes(to?.bytes ?? []), .uint(value),
            .bytes(data),
        ]
    }

    /// What is hashed for signing: the payload, then (EIP-155) chain id, 0, 0.
    var signingFields: [RLPItem] {
        guard let chainID else { return payloadFields }
        return payloadFields + [.uint(chainID), .uint(.zero), .uint(.zero)]
    }

    /// v for a signature with this recovery id: chainId·2 + 35 + yParity, or 27 + yParity without a chain id.
    func v(yParity: UInt8) -> UInt256 {
        guard let chainID else { return UInt256(27 + UInt64(yParity)) }
        return chainID * 2 + UInt256(35 + UInt64(yParity))
    }
}

/// An EIP-1559 (type 2) transaction.
public struct EIP1559Transaction: Hashable, Sendable {
    /// The envelope type byte.
    public static let type: UInt8 = 0x02

    /// The chain id.
    public var chainID: UInt256
    /// The sender's transaction count.
    public var nonce: UInt64
    /// The tip per gas to the block producer.
    public var maxPriorityFeePerGas: UInt256
    /// The most per gas the sender pays, base fee included.
    public var maxFeePerGas: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient; `nil` creates a contract.
    public var to: Address?
    /// Wei sent.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]
    /// Addresses and storage keys the transaction pre-declares (EIP-2930).
    public var accessList: [AccessListEntry]

    /// A transaction with these fields.
    public init(
        chainID: UInt256, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
        to: Address?, value: UInt256, data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) {
        (self.chainID, self.nonce, self.maxPriorityFeePerGas) = (chainID, nonce, maxPriorityFeePerGas)
        (self.maxFeePerGas, self.gasLimit, self.to, self.value) = (maxFeePerGas, gasLimit, to, value)
        (self.data, self.accessList) = (data, accessList)
    }

    /// The nine unsigned fields.
    var unsignedFields: [RLPItem] {
        [
            .uint(chainID), .uint(UInt256(nonce)), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas),
            .uint(UInt256(gasLimit)), .bytes(to?.bytes ?? []), .uint(value), .bytes(data),
            .list(accessList.map(\.rlp)),
        ]
    }

    var unsignedRLP: RLPItem { .list(unsignedFields) }
}

/// One access-list entry: an address and the storage slots of it the transaction touches.
public struct AccessListEntry: Hashable, Sendable {
    /// The account.
    public var address: Address
    /// 32-byte storage keys.
    public var storageKeys: [[UInt8]]

    /// An entry; every storage key must be 32 bytes.
    public init(address: Address, storageKeys: [[UInt8]]) {
        precondition(storageKeys.allSatisfy { $0.count == 32 }, "storage keys are 32 bytes")
        (self.address, self.storageKeys) = (address, storageKeys)
    }

    var rlp: RLPItem { .list([.bytes(address.bytes), .list(storageKeys.map { .bytes($0) })]) }
}

/// A transaction with its signature.
public struct SignedTransaction: Hashable, Sendable {
    /// The signed content.
    public let transaction: Transaction
    /// The sender's signature over `transaction.signingHash`.
    public let signature: Signature

    /// The bytes `eth_sendRawTransaction` takes: RLP for legacy, type byte ‖ RLP for typed transactions.
    public var rawBytes: [UInt8] {
        let r = RLPItem.uint(signature.r)
        let s = RLPItem.uint(signature.s)
        switch transaction {
        case .legacy(let legacy):
            return RLPItem.list(legacy.payloadFields + [.uint(legacy.v(yParity: signature.yParity)), r, s]).encoded
        case .eip1559(let typed):
            let fields = typed.unsignedFields + [.uint(UInt256(UInt64(signature.yParity))), r, s]
            return [EIP1559Transaction.type] + RLPItem.list(fields).encoded
        }
    }

    /// The transaction hash: keccak256 of the raw bytes.
    public var hash: [UInt8] { Keccak256.hash(rawBytes) }

    /// The sender, recovered from the signature.
    public func sender() throws(SignatureError) -> Address {
        try signature.recoverAddress(digest: transaction.signingHash)
    }
}
