import Glibc
public import Inference

/// A `model …` command, parsed and checked.
public enum ModelCommand: Sendable {
    case info(path: String, listTensors: Bool)
    case run(path: String, prompt: RunPrompt, settings: GenerationSettings, printTokenIDs: Bool)
    case bench(path: String, threads: Int, promptTokens: Int, generate: Int, repetitions: Int)

    /// What `model run` feeds the model.
    public struct RunPrompt: Sendable {
        public var text: String
        /// Whether `text` goes through the chat template as a user message.
        public var chat: Bool
        public var system: String?
    }

    /// Sampling, limits and threads for `model run`.
    public struct GenerationSettings: Sendable {
        public var parameters: GenerationParameters
        public var threads: Int
        public var contextLength: Int
    }

    /// The options `model run` shares with other generating commands.
    static let generationOptions: [OptionSpec] = [
        OptionSpec("max-tokens", valueName: "N", help: "Most tokens to generate (default 128)"),
        OptionSpec("temperature", valueName: "T", help: "0 is greedy (default 0.8)"),
        OptionSpec("top-k", valueName: "N", help: "Sample from the N most likely tokens; 0 = all (default 40)"),
        OptionSpec("top-p", valueName: "P", help: "Nucleus sampling threshold (default 0.95)"),
        OptionSpec("min-p", valueName: "P", help: "Drop tokens below P times the best one (default 0.05)"),
        OptionSpec("repeat-penalty", valueName: "X", help: "Penalty for repeating recent tokens (default 1 = off)"),
        OptionSpec("seed", valueName: "N", help: "Random seed: the same seed and prompt give the same text"),
        OptionSpec("stop", valueName: "TEXT", repeatable: true, help: "Stop before this text (repeatable)"),
        OptionSpec("threads", valueName: "N", help: "Threads (default: the CPUs online)"),
        OptionSpec("context", valueName: "N", help: "Context length in tokens (default 2048, at most the model's)"),
    ]

    /// The command for a parsed `model …` command line.
    static func parse(_ parsed: ParsedCommand) throws(CommandLineError) -> ModelCommand {
        let path = parsed.arguments.first ?? ""
        let reader = OptionReader(parsed: parsed)
        switch parsed.path {
        case ["model", "info"]:
            return .info(path: path, listTensors: parsed.flag("tensors"))
        case ["model", "bench"]:
            return .bench(
                path: path, threads: try reader.integer("threads", in: 1...256) ?? onlineProcessors(),
                promptTokens: try reader.integer("prompt-tokens", in: 1...8192) ?? 128,
                generate: try reader.integer("generate", in: 1...8192) ?? 32,
                repetitions: try reader.integer("repetitions", in: 1...100) ?? 3)
        default:
            guard let prompt = parsed.value("prompt") else { throw .missingValue(option: "prompt", path: parsed.path) }
            return .run(
                path: path, prompt: RunPrompt(text: prompt, chat: parsed.flag("chat"), system: parsed.value("system")),
                settings: try settings(reader), printTokenIDs: parsed.flag("print-token-ids"))
        }
    }

    private static func settings(_ reader: OptionReader) throws(CommandLineError) -> GenerationSettings {
        var sampling = SamplingParameters()
        sampling.temperature = try reader.float("temperature", in: 0...100) ?? sampling.temperature
        sampling.topK = try reader.integer("top-k", in: 0...1_000_000) ?? sampling.topK
        sampling.topP = try reader.float("top-p", in: 0...1) ?? sampling.topP
        sampling.minP = try reader.float("min-p", in: 0...1) ?? sampling.minP
        sampling.repetitionPenalty = try reader.float("repeat-penalty", in: 0.01...100) ?? 1
        if let seed = reader.parsed.value("seed") {
            guard let value = UInt64(seed) else {
                throw .invalidValue(option: "seed", value: seed, expected: "a whole number", path: reader.parsed.path)
            }
            sampling.seed = value
        }
        let parameters = GenerationParameters(
            sampling: sampling, maxTokens: try reader.integer("max-tokens", in: 0...1_000_000) ?? 128,
            stopSequences: reader.parsed.values("stop"))
        return GenerationSettings(
            parameters: parameters, threads: try reader.integer("threads", in: 1...256) ?? onlineProcessors(),
            contextLength: try reader.integer("context", in: 1...1 << 20) ?? 2048)
    }

    /// CPUs online, at least 1.
    static func onlineProcessors() -> Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}

/// Typed option values with ranges, for the `model` commands.
private struct OptionReader {
    let parsed: ParsedCommand

    func integer(_ option: String, in range: ClosedRange<Int>) throws(CommandLineError) -> Int? {
        guard let text = parsed.value(option) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(
                option: option, value: text, expected: "a whole number in \(range.lowerBound)...\(range.upperBound)",
                path: parsed.path)
        }
        return value
    }

    func float(_ option: String, in range: ClosedRange<Float>) throws(CommandLineError) -> Float? {
        guard let text = parsed.value(option) else { return nil }
        guard let value = Float(text), range.contains(value) else {
            throw .invalidValue(
                option: option, value: text, expected: "a number in \(range.lowerBound)...\(range.upperBound)",
                path: parsed.path)
        }
        return value
    }
}
