import Gateway
import Inference
import System

/// Runs `model …` commands: reads the GGUF file, prints to the command's output; exit codes 0, or 1 when the
/// model cannot be loaded or run.
struct ModelRunner {
    let output: CommandOutput
    let programName: String

    func run(_ command: ModelCommand) -> Int32 {
        do {
            switch command {
            case .info(let path, let listTensors):
                try info(path: path, listTensors: listTensors)
            case .run(let path, let prompt, let settings, let printTokenIDs):
                try generate(path: path, prompt: prompt, settings: settings, printTokenIDs: printTokenIDs)
            case .bench(let path, let threads, let promptTokens, let generate, let repetitions):
                try bench(
                    path: path, threads: threads, promptTokens: promptTokens, generate: generate, runs: repetitions)
            }
            return 0
        } catch {
            output.standardError("\(programName): model: \(error)\n")
            return 1
        }
    }

    private func info(path: String, listTensors: Bool) throws {
        let file = try GGUFFile(contentsOfFile: path)
        let parameters = file.tensors.reduce(0) { $0 + $1.elementCount }
        var types: [String: Int] = [:]
        for tensor in file.tensors { types["\(tensor.type)", default: 0] += 1 }
        let typeList = types.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var lines = [
            "file: \(path) (\(megabytes(file.bytes.count)) MB, GGUF v\(file.version))",
            "architecture: \(file.metadata["general.architecture"]?.string ?? "?")"
                + (file.metadata["general.name"]?.string.map { " (\($0))" } ?? ""),
            "parameters: \(millions(parameters)) M in \(file.tensors.count) tensors (\(typeList))",
        ]
        do {
            let c = try LlamaModel(file: file).configuration
            lines.append(
                "layers \(c.layerCount), width \(c.width), heads \(c.headCount) (\(c.keyValueHeadCount) key/value), "
                    + "head dimension \(c.headDimension), feed-forward \(c.feedForwardWidth), context \(c.contextLength), "
                    + "rope base \(c.ropeBase)")
        } catch {
            lines.append("not runnable here: \(error)")
        }
        if let vocabulary = try? TokenVocabulary(file: file) {
            let pre = file.metadata["tokenizer.ggml.pre"]?.string.map { " (\($0))" } ?? ""
            lines.append(
                "tokenizer: \(file.metadata["tokenizer.ggml.model"]?.string ?? "?")\(pre), \(vocabulary.count) tokens, "
                    + "bos \(vocabulary.beginOfSequence.map(String.init) ?? "-"), "
                    + "eos \(vocabulary.endOfSequence.map(String.init) ?? "-")")
        }
        if let template = file.metadata["tokenizer.chat_template"]?.string {
            lines.append("chat template: \(ChatTemplate(recognizing: template)?.rawValue ?? "not recognized")")
        }
        if listTensors {
            lines += file.tensors.map { "  \($0.name) \($0.type) \($0.dimensions)" }
        }
        output.standardOutput(lines.joined(separator: "\n") + "\n")
    }

    private func generate(
        path: String, prompt: ModelCommand.RunPrompt, settings: ModelCommand.GenerationSettings, printTokenIDs: Bool
    ) throws {
        let model = try LlamaModel(contentsOfFile: path)
        let tokenizer = Tokenizer(vocabulary: try TokenVocabulary(file: model.file))
        let tokens = try promptTokens(prompt, model: model, tokenizer: tokenizer)
        // The KV cache holds only what this run can use: the prompt and its longest answer.
        let capacity = min(settings.contextLength, tokens.count + settings.parameters.maxTokens + 1)
        let session = InferenceSession(
            model: model, contextLength: capacity, pool: ThreadPool(threadCount: settings.threads))
        let result = try Generator(session: session, tokenizer: tokenizer).generate(
            prompt: tokens, parameters: settings.parameters
        ) { token in
            if !printTokenIDs { output.standardOutput(token.text) }
            return true
        }
        output.standardOutput(
            printTokenIDs ? result.tokens.map(String.init).joined(separator: " ") + "\n" : "\n")
        output.standardError(
            "prompt: \(result.promptTokenCount) tokens, \(rate(result.promptTokensPerSecond)) tok/s; "
                + "generation: \(result.tokens.count) tokens, \(rate(result.generationTokensPerSecond)) tok/s; "
                + "finish: \(result.finishReason.rawValue); threads \(settings.threads)\n")
    }

    private func promptTokens(_ prompt: ModelCommand.RunPrompt, model: LlamaModel, tokenizer: Tokenizer) throws
        -> [TokenID]
    {
        guard prompt.chat else { return tokenizer.encode(prompt.text) }
        guard let text = model.file.metadata["tokenizer.chat_template"]?.string,
            let template = ChatTemplate(recognizing: text)
        else {
            throw RunnerError("the model has no chat template this engine recognizes; run without --chat")
        }
        var messages = prompt.system.map { [ChatTurn(role: "system", content: $0)] } ?? []
        messages.append(ChatTurn(role: "user", content: prompt.text))
        return tokenizer.encode(template.render(messages), parseSpecial: true)
    }

    /// llama-bench's two figures: prompt processing (pp) and text generation (tg), median tokens/s over `runs`.
    private func bench(path: String, threads: Int, promptTokens: Int, generate: Int, runs: Int) throws {
        let model = try LlamaModel(contentsOfFile: path)
        let pool = ThreadPool(threadCount: threads)
        let vocabulary = model.configuration.vocabularySize
        // A fixed pseudo-random prompt, as llama-bench uses random tokens.
        let prompt = (0..<promptTokens).map { TokenID(truncatingIfNeeded: ($0 &* 7919 &+ 17) % vocabulary) }
        var promptRates: [Double] = []
        var generationRates: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let session = InferenceSession(model: model, contextLength: promptTokens + generate + 1, pool: pool)
            var start = clock.now
            try session.evaluate(batch: prompt)
            promptRates.append(Double(promptTokens) / (clock.now - start).seconds)
            start = clock.now
            var token = prompt[0]
            for _ in 0..<generate {
                let logits = try session.evaluate(token) ?? []
                token = Sampler.argmax(logits)
            }
            generationRates.append(Double(generate) / (clock.now - start).seconds)
        }
        output.standardOutput(
            "model: \(path)\nthreads: \(threads)\n"
                + "pp\(promptTokens): \(rate(median(promptRates))) tok/s (median of \(runs))\n"
                + "tg\(generate): \(rate(median(generationRates))) tok/s (median of \(runs))\n")
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    private func rate(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private func megabytes(_ bytes: Int) -> String { rate(Double(bytes) / 1_000_000) }

    private func millions(_ count: Int) -> String { rate(Double(count) / 1_000_000) }
}

/// A failure of the runner itself, with its message.
struct RunnerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
