import Foundation
import Testing

@testable import Inference

@Suite struct ChatTemplateTests {
    static let chats: [[ChatTurn]] = [
        [ChatTurn(role: "user", content: "Hi!")],
        [
            ChatTurn(role: "system", content: "Be brief."), ChatTurn(role: "user", content: "  What is 2+2? "),
            ChatTurn(role: "assistant", content: " 4 \n"), ChatTurn(role: "user", content: "And 3+3?"),
        ],
        [ChatTurn(role: "system", content: "Only a system message, ünïcödé 中文 😀")],
        [],
    ]

    /// Jinja template fragments as models ship them, with the format llama.cpp recognizes each as.
    static let recognized: [(String, ChatTemplate?)] = [
        ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']}}", .chatML),
        ("{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}", .llama3),
        ("{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}", .llama2SystemStrip),
        ("{% if system %}<<SYS>>\\n{{ system }}\\n<</SYS>>{% endif %}[INST]", .llama2System),
        ("{{ bos_token + '[INST] ' }}<<SYS>>", .llama2SystemBOS),
        ("[INST] {{ message['content'] }} [/INST]", .llama2),
        ("<|user|>\\n{{ message['content'] }}</s>\\n<|assistant|>", .falcon3),  // TinyLlama
        ("<|user|>\\n{{ message['content'] }}<|endoftext|>", .zephyr),
        ("<|user|>\\n{{ message['content'] }}<|end|>\\n<|assistant|>", .phi3),
        ("<start_of_turn>user\\n{{ message['content'] }}<end_of_turn>", .gemma),
        ("<|im_start|>user<|im_sep|>", nil),  // Phi-4
        ("[SYSTEM_PROMPT]{{ system }}[/SYSTEM_PROMPT][INST]", nil),  // Mistral v7
        ("<|user|>\\n{{ content }}<|assistant|>", nil),  // GLM-Edge
        ("{{ message.content }}", nil),
        ("chatml", .chatML),
        ("llama2-sys-bos", .llama2SystemBOS),
    ]

    /// Recognized templates render as llama.cpp renders the same template text; the others are refused (some
    /// of them, Phi-4, Mistral and GLM-Edge, are formats llama.cpp has and we do not).
    @Test func recognitionPicksTheSameFormatAsLlamaCpp() async throws {
        let chat = Self.chats[1]
        let cases = Self.recognized.map { template, _ in
            [
                "template": template, "messages": chat.map { ["role": $0.role, "content": $0.content] },
                "add_assistant": true,
            ] as [String: Any]
        }
        let llamaCpp = try await render(cases)
        for ((template, expected), reference) in zip(Self.recognized, llamaCpp) {
            let recognized = ChatTemplate(recognizing: template)
            #expect(recognized == expected, "template: \(template)")
            if let recognized {
                #expect(recognized.render(chat) == reference, "template: \(template)")
            }
        }
        let plain = try #require(Self.recognized.firstIndex { $0.0 == "{{ message.content }}" })
        #expect(llamaCpp[plain] == nil, "llama.cpp does not recognize a template without markers either")
    }

    @Test func everyFormatRendersAsLlamaCppDoes() async throws {
        var cases: [[String: Any]] = []
        var ours: [String] = []
        for template in ChatTemplate.allCases {
            for chat in Self.chats {
                for addAssistant in [true, false] {
                    cases.append([
                        "template": template.rawValue, "add_assistant": addAssistant,
                        "messages": chat.map { ["role": $0.role, "content": $0.content] },
                    ])
                    ours.append(template.render(chat, addGenerationPrompt: addAssistant))
                }
            }
        }
        let llamaCpp = try await render(cases)
        #expect(llamaCpp.count == ours.count)
        for (index, (mine, reference)) in zip(ours, llamaCpp).enumerated() {
            #expect(mine == reference, "case \(index): \(cases[index])")
        }
    }

    @Test func trimmingMatchesCIsspace() {
        #expect(ChatTemplate.trimmed(" \t\n a b \u{0B}\u{0C}\r") == "a b")
        #expect(ChatTemplate.trimmed("\u{00A0}x\u{00A0}") == "\u{00A0}x\u{00A0}")
        #expect(ChatTemplate.trimmed("   ") == "")
    }

    private func render(_ cases: [[String: Any]]) async throws -> [String?] {
        let output = try await TestEnvironment.runPython(
            ["Tests/InferenceTests/Fixtures/llama_chat_template.py"],
            stdin: try JSONSerialization.data(withJSONObject: cases))
        let prompts = try #require(try JSONSerialization.jsonObject(with: output) as? [Any])
        return prompts.map { $0 as? String }
    }
}
