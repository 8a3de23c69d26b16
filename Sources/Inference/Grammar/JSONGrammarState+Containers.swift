/// Objects and arrays: brackets, keys, colons, commas and the whitespace between them.
extension JSONGrammarState {
    mutating func stepObject(
        _ node: JSONGrammar.NodeID, _ phase: ContainerPhase, index: Int32, spaces: UInt8, _ byte: UInt8,
        in grammar: JSONGrammar
    ) -> StepOutcome {
        let properties = grammar.fixedProperties(node)
        if Self.isSpace(byte), phase != .inKey, phase != .inValue {
            guard spaces < Self.maxSpaces else { return .rejected }
            frames[frames.count - 1] = .object(node, phase, index: index, spaces: spaces + 1)
            return .consumed
        }
        switch (phase, byte) {
        case (.open, UInt8(ascii: "}")), (.after, UInt8(ascii: "}")):
            guard properties.map({ Self.mayClose($0, from: index) }) ?? true else { return .rejected }
            finishTop(in: grammar)
            return .consumed
        case (.open, UInt8(ascii: "\"")), (.afterComma, UInt8(ascii: "\"")):
            frames[frames.count - 1] = .object(node, .inKey, index: index, spaces: 0)
            if properties == nil {
                frames.append(.string(.text))
            } else {
                guard Int(index) < properties!.count,
                    startLiteral(set: grammar.keySet(of: node, from: index), byte, in: grammar)
                else { return .rejected }
            }
            return .consumed
        case (.colon, UInt8(ascii: ":")):
            frames[frames.count - 1] = .object(node, .value, index: index, spaces: 0)
            return .consumed
        case (.value, _):
            frames[frames.count - 1] = .object(node, .inValue, index: index, spaces: 0)
            let value = properties.map { $0[Int(index)].value } ?? grammar.anyObjectValues(node)
            guard startValue(value, byte, in: grammar) else { return .rejected }
            return .consumed
        case (.after, UInt8(ascii: ",")):
            guard properties.map({ Int(index) < $0.count }) ?? true else { return .rejected }
            frames[frames.count - 1] = .object(node, .afterComma, index: index, spaces: 0)
            return .consumed
        default:
            return .rejected
        }
    }

    /// Whether an object may close with properties from `index` on left out: none of them is required.
    private static func mayClose(_ properties: [JSONGrammar.Property], from index: Int32) -> Bool {
        !properties[Int(index)...].contains { $0.isRequired }
    }

    mutating func stepArray(
        _ node: JSONGrammar.NodeID, _ phase: ContainerPhase, count: Int32, spaces: UInt8, _ byte: UInt8,
        in grammar: JSONGrammar
    ) -> StepOutcome {
        guard case .array(let items, let minimum, let maximum) = grammar.node(node) else { return .rejected }
        if Self.isSpace(byte), phase != .inValue {
            guard spaces < Self.maxSpaces else { return .rejected }
            frames[frames.count - 1] = .array(node, phase, count: count, spaces: spaces + 1)
            return .consumed
        }
        switch (phase, byte) {
        case (.open, UInt8(ascii: "]")), (.after, UInt8(ascii: "]")):
            guard count >= minimum else { return .rejected }
            finishTop(in: grammar)
            return .consumed
        case (.after, UInt8(ascii: ",")):
            guard maximum.map({ count < $0 }) ?? true else { return .rejected }
            frames[frames.count - 1] = .array(node, .afterComma, count: count, spaces: 0)
            return .consumed
        case (.open, _), (.afterComma, _):
            guard maximum.map({ count < $0 }) ?? true else { return .rejected }
            frames[frames.count - 1] = .array(node, .inValue, count: count, spaces: 0)
            guard startValue(items, byte, in: grammar) else { return .rejected }
            return .consumed
        default:
            return .rejected
        }
    }
}

extension JSONGrammar {
    /// The declared properties of an `.object` node; `nil` for an object with any keys.
    func fixedProperties(_ node: NodeID) -> [Property]? {
        if case .object(let properties) = self.node(node) { return properties }
        return nil
    }

    /// The value shape of an object with any keys.
    func anyObjectValues(_ node: NodeID) -> NodeID {
        if case .anyObject(let values) = self.node(node) { return values }
        return JSONGrammar.anyValueNode
    }
}
