/// How RoPE pairs up a head's dimensions: neighbours (`llama`) or halves (`qwen2`, GPT-NeoX style).
public enum RopeStyle: Sendable, Equatable {
    case adjacentPairs
    case halves
}

/// The hyperparameters of a llama-family model, read from `{architecture}.*` metadata.
public struct LlamaConfiguration: Sendable, Equatable {
    public var architecture: String
    public var layerCount: Int
    public var width: Int
    public var feedForwardWidth: Int
    public var headCount: Int
    public var keyValueHeadCount: Int
    public var headDimension: Int
    public var contextLength: Int
    public var vocabularySize: Int
    public var normEpsilon: Float
    public var ropeBase: Float
    /// The number of leading dimensions of each head RoPE rotates.
    public var ropeDimensions: Int
    /// Positions are multiplied by this (linear RoPE scaling: 1 / factor).
    public var ropePositionScale: Float
    public var ropeStyle: RopeStyle
    /// Whether the attention projections carry biases (`qwen2`).
    public var hasAttentionBias: Bool

    /// The architectures this engine runs, with their RoPE style and biases.
    static let architectures: [String: (rope: RopeStyle, bias: Bool)] = [
        "llama": (.adjacentPairs, false),
        "qwen2": (.halves, true),
    ]

    /// The configuration `file` declares; missing optional keys take llama.cpp's defaults.
    public init(file: GGUFFile) throws(ModelError) {
        do {
            try self.init(reading: file)
        } catch let error as ModelError {
            throw error
        } catch let error as GGUFError {
            throw .file(error)
        } catch {
            throw .invalidHyperparameter("\(error)")
        }
    }

    private init(reading file: GGUFFile) throws {
        let architecture = try file.string("general.architecture")
        guard let style = Self.architectures[architecture] else {
            throw ModelError.unsupportedArchitecture(architecture)
        }
        self.architecture = architecture
        let key = { (suffix: String) in "\(architecture).\(suffix)" }
        let optionalInt = { (suffix: String) in file.metadata[key(suffix)]?.int }
        let optionalFloat = { (suffix: String) in file.metadata[key(suffix)]?.double.map(Float.init) }
        layerCount = try file.int(key("block_count"))
        width = try file.int(key("embedding_length"))
        feedForwardWidth = try file.int(key("feed_forward_length"))
        headCount = try file.int(key("attention.head_count"))
        keyValueHeadCount = optionalInt("attention.head_count_kv") ?? headCount
        guard headCount > 0 else { throw ModelError.invalidHyperparameter("attention.head_count is 0") }
        headDimension = optionalInt("attention.key_length") ?? width / headCount
        contextLength = try file.int(key("context_length"))
        vocabularySize = optionalInt("vocab_size") ?? file.metadata["tokenizer.ggml.tokens"]?.array?.count ?? 0
        normEpsilon = optionalFloat("attention.layer_norm_rms_epsilon") ?? 1e-5
        ropeBase = optionalFloat("rope.freq_base") ?? 10_000
        ropeDimensions = optionalInt("rope.dimension_count") ?? headDimension
        ropePositionScale = try Self.positionScale(file: file, key: key)
        ropeStyle = style.rope
        hasAttentionBias = style.bias
        try validate()
    }

    private static func positionScale(file: GGUFFile, key: (String) -> String) throws -> Float {
        let type = file.metadata[key("rope.scaling.type")]?.string ?? "none"
        let factor =
            file.metadata[key("rope.scaling.factor")]?.double ?? file.metadata[key("rope.scale_linear")]?.double
        switch type {
        case "none" where factor == nil: return 1
        case "none", "linear":
            guard let factor, factor > 0 else { return 1 }
            return Float(1 / factor)
        default: throw ModelError.unsupportedRopeScaling(type)
        }
    }

    private func validate() throws {
        let limits: [(String, Int, ClosedRange<Int>)] = [
            ("block_count", layerCount, 1...1024), ("embedding_length", width, 1...65_536),
            ("feed_forward_length", feedForwardWidth, 1...262_144), ("attention.head_count", headCount, 1...1024),
            ("attention.head_count_kv", keyValueHeadCount, 1...headCount), ("head dimension", headDimension, 2...1024),
            ("context_length", contextLength, 1...1 << 24), ("vocabulary size", vocabularySize, 1...1 << 22),
            ("rope.dimension_count", ropeDimensions, 0...headDimension),
        ]
        for (name, value, range) in limits where !range.contains(value) {
            throw ModelError.invalidHyperparameter("\(name) = \(value), expected \(range)")
        }
        guard headCount % keyValueHeadCount == 0, ropeDimensions % 2 == 0 else {
            throw ModelError.invalidHyperparameter(
                "\(headCount) heads over \(keyValueHeadCount) key/value heads, rope dimensions \(ropeDimensions)")
        }
        guard normEpsilon > 0, normEpsilon.isFinite, ropeBase > 0, ropeBase.isFinite else {
            throw ModelError.invalidHyperparameter("norm epsilon \(normEpsilon), rope base \(ropeBase)")
        }
    }
}
