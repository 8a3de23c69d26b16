import Inference

/// The fallback model, loaded once at start and shared: the mmapped weights, its tokenizer and chat format.
public final class LocalModel: Sendable {
    /// The name requests and `/v1/models` know it by (the file name without `.gguf`).
    public let name: String
    let model: LlamaModel
    let tokenizer: Tokenizer
    let chatTemplate: ChatTemplate

    /// Why the fallback model cannot be used; startup stops with this message.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads `path`; `chatTemplate` names a format to use instead of the one recognized in the file.
    public init(path: String, chatTemplate override: String?) throws(LoadError) {
        do {
            model = try LlamaModel(contentsOfFile: path)
            tokenizer = Tokenizer(vocabulary: try TokenVocabulary(file: model.file))
        } catch {
            throw LoadError(description: "fallback model \(path): \(error)")
        }
        let embedded = model.file.metadata["tokenizer.chat_template"]?.string
        guard let template = (override ?? embedded).flatMap(ChatTemplate.init(recognizing:)) else {
            let known = ChatTemplate.allCases.map(\.rawValue).joined(separator: ", ")
            throw LoadError(
                description: "fallback model \(path): "
                    + (override.map { "chat template '\($0)' is not one of \(known)" }
                        ?? "no recognizable chat template; set fallback.chat_template to one of \(known)"))
        }
        chatTemplate = template
        let file = path.split(separator: "/").last.map(String.init) ?? path
        name = file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file
    }
}
