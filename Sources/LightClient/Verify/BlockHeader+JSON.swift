public import JSON

extension UntrustedBlockHeader {
    /// The longest `extraData` accepted (Ethereum allows 32 bytes; clique-style chains carry more).
    public static let maxExtraDataBytes = 1024

    /// Reads the header fields and the claimed hash of an `eth_getBlockBy{Number,Hash}` result. Nothing is
    /// verified yet, but every field must be well formed: a missing or malformed one, fork fields that skip a fork,
    /// or an oversized `extraData` is `.malformed`.
    public init(json object: JSONObject) throws(VerificationError) {
        let fields = UntrustedFields(object)
        let header = BlockHeader(
            parentHash: try fields.data("parentHash", count: 32),
            ommersHash: try fields.data("sha3Uncles", count: 32),
            beneficiary: try fields.address("miner"),
            stateRoot: try fields.data("stateRoot", count: 32),
            transactionsRoot: try fields.data("transactionsRoot", count: 32),
            receiptsRoot: try fields.data("receiptsRoot", count: 32),
            logsBloom: try fields.data("logsBloom", count: 256),
            difficulty: try fields.quantity("difficulty"),
            number: try fields.uint64("number"),
            gasLimit: try fields.uint64("gasLimit"),
            gasUsed: try fields.uint64("gasUsed"),
            timestamp: try fields.uint64("timestamp"),
            extraData: try fields.data("extraData", maxCount: Self.maxExtraDataBytes),
            mixHash: try fields.data("mixHash", count: 32),
            nonce: try fields.data("nonce", count: 8),
            baseFeePerGas: fields.has("baseFeePerGas") ? try fields.quantity("baseFeePerGas") : nil,
            withdrawalsRoot: fields.has("withdrawalsRoot") ? try fields.data("withdrawalsRoot", count: 32) : nil,
            blobGasUsed: fields.has("blobGasUsed") ? try fields.uint64("blobGasUsed") : nil,
            excessBlobGas: fields.has("excessBlobGas") ? try fields.uint64("excessBlobGas") : nil,
            parentBeaconBlockRoot: fields.has("parentBeaconBlockRoot")
                ? try fields.data("parentBeaconBlockRoot", count: 32) : nil,
            requestsHash: fields.has("requestsHash") ? try fields.data("requestsHash", count: 32) : nil)
        try Self.checkForkOrder(fields)
        self.init(fields: header, claimedHash: try fields.data("hash", count: 32))
    }

    /// The fork fields in hashing order: each one present requires all before it.
    static let forkFields = [
        "baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot", "requestsHash",
    ]

    private static func checkForkOrder(_ fields: UntrustedFields) throws(VerificationError) {
        let present = forkFields.map { fields.has($0) }
        if let gap = present.firstIndex(of: false), let later = present[gap...].firstIndex(of: true) {
            throw .malformed(field: forkFields[later], reason: "present without \(forkFields[gap])")
        }
    }
}
