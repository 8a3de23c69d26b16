/// One turn of a chat as a template renders it: a role and its text (the API's richer messages are flattened to
/// these by the local model).
public struct ChatTurn: Sendable, Equatable {
    /// `system`, `user`, `assistant` or `tool` (a template passes other roles through where it has a slot for them).
    public var role: String
    /// The text content (array-of-parts content is flattened to its text parts).
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// The prompt formats a chat is rendered in, as llama.cpp renders them (`llama_chat_apply_template`), with
/// llama.cpp's names for them. Chosen from a model's `tokenizer.chat_template` by recognition (no Jinja).
public enum ChatTemplate: String, Sendable, CaseIterable {
    case chatML = "chatml"
    case llama3
    /// Llama 2 without system prompts (a system message is folded into the first turn).
    case llama2
    case llama2System = "llama2-sys"
    /// Llama 2 with `<s>` opening every later turn.
    case llama2SystemBOS = "llama2-sys-bos"
    /// Llama 2 with every message's surrounding whitespace stripped.
    case llama2SystemStrip = "llama2-sys-strip"
    case zephyr
    /// Falcon 3; also what TinyLlama's `<|user|>`…`</s>` template is recognized as.
    case falcon3
    case phi3
    case gemma

    /// The format a model's Jinja chat template (or a format name) stands for, recognized the way llama.cpp
    /// does; `nil` when it is none of these.
    public init?(recognizing template: String) {
        if let named = ChatTemplate(rawValue: template) {
            self = named
            return
        }
        let has = { (needle: String) in Self.contains(template, needle) }
        if has("<|im_start|>") {
            guard !has("<|im_sep|>"), !has("<end_of_utterance>") else { return nil }
            self = .chatML
        } else if template.hasPrefix("mistral") || has("[INST]") {
            guard !has("[SYSTEM_PROMPT]"), !has("' [INST] ' + system_message"), !has("[AVAILABLE_TOOLS]") else {
                return nil  // Mistral's formats
            }
            self =
                has("content.strip()")
                ? .llama2SystemStrip
                : has("bos_token + '[INST]") ? .llama2SystemBOS : has("<<SYS>>") ? .llama2System : .llama2
        } else if has("<|assistant|>") && has("<|end|>") {
            self = .phi3
        } else if has("[gMASK]<sop>") {
            return nil  // ChatGLM 4
        } else if has("<|assistant|>") && has("<|user|>") {
            guard has("</s>") else { return nil }  // GLM-Edge
            self = .falcon3
        } else if has("<|user|>") && has("<|endoftext|>") {
            self = .zephyr
        } else if has("<start_of_turn>") {
            self = .gemma
        } else if has("<|start_header_id|>") && has("<|end_header_id|>") {
            self = .llama3
        } else {
            return nil
        }
    }

    /// The prompt for `messages`; `addGenerationPrompt` opens the assistant's turn (formats without one ignore
    /// it). Special tokens appear as text: tokenize the result with `parseSpecial: true`.
    public func render(_ messages: [ChatTurn], addGenerationPrompt: Bool = true) -> String {
        switch self {
        case .chatML:
            return messages.map { "<|im_start|>\($0.role)\n\($0.content)<|im_end|>\n" }.joined()
                + (addGenerationPrompt ? "<|im_start|>assistant\n" : "")
        case .llama3:
            return messages.map {
                "<|start_header_id|>\($0.role)<|end_header_id|>\n\n\(Self.trimmed($0.content))<|eot_id|>"
            }.joined() + (addGenerationPrompt ? "<|start_header_id|>assistant<|end_header_id|>\n\n" : "")
        case .llama2, .llama2System, .llama2SystemBOS, .llama2SystemStrip:
            return renderLlama2(messages)
        case .zephyr:
            return messages.map { "<|\($0.role)|>\n\($0.content)<|endoftext|>\n" }.joined()
                + (addGenerationPrompt ? "<|assistant|>\n" : "")
        case .falcon3:
            return messages.map { "<|\($0.role)|>\n\($0.content)\n" }.joined()
                + (addGenerationPrompt ? "<|assistant|>\n" : "")
        case .phi3:
            return messages.map { "<|\($0.role)|>\n\($0.content)<|end|>\n" }.joined()
                + (addGenerationPrompt ? "<|assistant|>\n" : "")
        case .gemma:
            return renderGemma(messages, addGenerationPrompt: addGenerationPrompt)
        }
    }

    /// `[INST] … [/INST]` turns; the model's answer closes a turn with `</s>`.
    private func renderLlama2(_ messages: [ChatTurn]) -> String {
        var prompt = "[INST] "
        var insideTurn = true
        for message in messages {
            let content = self == .llama2SystemStrip ? Self.trimmed(message.content) : message.content
            if !insideTurn {
                insideTurn = true
                prompt += self == .llama2SystemBOS ? "<s>[INST] " : "[INST] "
            }
            switch message.role {
            case "system":
                prompt += self == .llama2 ? "\(content)\n" : "<<SYS>>\n\(content)\n<</SYS>>\n\n"
            case "user":
                prompt += "\(content) [/INST]"
            default:
                prompt += "\(content)</s>"
                insideTurn = false
            }
        }
        return prompt
    }

    /// Gemma has no system turn: system text opens the next user turn; the assistant is `model`.
    private func renderGemma(_ messages: [ChatTurn], addGenerationPrompt: Bool) -> String {
        var prompt = ""
        var systemText = ""
        for message in messages {
            if message.role == "system" {
                systemText += Self.trimmed(message.content)
                continue
            }
            let role = message.role == "assistant" ? "model" : message.role
            prompt += "<start_of_turn>\(role)\n"
            if !systemText.isEmpty && role != "model" {
                prompt += systemText + "\n\n"
                systemText = ""
            }
            prompt += Self.trimmed(message.content) + "<end_of_turn>\n"
        }
        return prompt + (addGenerationPrompt ? "<start_of_turn>model\n" : "")
    }

    /// `text` without leading and trailing ASCII whitespace (C's `isspace`, as llama.cpp trims).
    static func trimmed(_ text: String) -> String {
        let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
        let bytes = Array(text.utf8)
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// Substring search on UTF-8 bytes (the standard library's `contains(_: String)` needs the regex runtime).
    private static func contains(_ text: String, _ needle: String) -> Bool {
        let haystack = Array(text.utf8)
        let needle = Array(needle.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle)
        }
    }
}
