/// Read-only calls to one deployed contract through `eth_call`, encoded and decoded with its ABI.
public struct ContractCaller: Sendable {
    /// The contract.
    public let address: Address
    /// The chain's client.
    public let client: JSONRPCClient

    /// A caller for the contract at `address`.
    public init(address: Address, client: JSONRPCClient) {
        (self.address, self.client) = (address, client)
    }

    /// Calls `function` with `arguments` at `block`; the decoded return values.
    public func call(
        _ function: ContractFunction, _ arguments: [ABIValue], at block: BlockTag = .latest
    ) async throws(ContractError) -> [ABIValue] {
        let calldata: [UInt8]
        do {
            calldata = try function.function.encodeCall(arguments)
        } catch {
            throw .abi(error)
        }
        let output: [UInt8]
        do {
            output = try await client.call(to: address, data: calldata, at: block)
        } catch {
            throw .from(error)
        }
        do {
            return try function.decodeOutput(output)
        } catch {
            throw .abi(error)
        }
    }

    /// `call` for a function with one return value.
    public func callSingle(
        _ function: ContractFunction, _ arguments: [ABIValue], at block: BlockTag = .latest
    ) async throws(ContractError) -> ABIValue {
        let values = try await call(function, arguments, at: block)
        guard values.count == 1 else { throw .unexpectedValue(what: function.function.name) }
        return values[0]
    }
}
