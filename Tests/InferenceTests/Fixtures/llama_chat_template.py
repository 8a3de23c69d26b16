"""llama.cpp's rendering of chats (llama_chat_apply_template through llama-cpp-python's ctypes binding).

Reads JSON on stdin: a list of {"template": name or Jinja text, "messages": [{"role", "content"}],
"add_assistant": bool}. Writes a JSON list: the rendered prompt for each, or null where llama.cpp does not
recognize the template.

Usage: python llama_chat_template.py < cases.json > prompts.json
"""

from __future__ import annotations

import ctypes
import json
import sys

import llama_cpp


def render(template: str, messages: list[dict[str, str]], add_assistant: bool) -> str | None:
    chat = (llama_cpp.llama_chat_message * max(1, len(messages)))()
    encoded = [(m["role"].encode(), m["content"].encode()) for m in messages]
    for slot, (role, content) in zip(chat, encoded):
        slot.role, slot.content = role, content
    size = 1 << 16
    buffer = ctypes.create_string_buffer(size)
    length = llama_cpp.llama_chat_apply_template(template.encode(), chat, len(messages), add_assistant, buffer, size)
    if length < 0:
        return None
    assert length <= size, "prompt larger than the buffer"
    return buffer.raw[:length].decode()


def main() -> None:
    cases = json.load(sys.stdin)
    json.dump([render(c["template"], c["messages"], c["add_assistant"]) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
