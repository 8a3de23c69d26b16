"""OpenAI API fidelity (issue 22): request fields forwarded as sent and checked, tool calls, several choices,
logprobs, refusals, usage details and system fingerprints relayed whole and streamed piece by piece, the cache
keyed on them, and `/v1/responses` translated to chat completions — driven by the official `openai` SDK against
a recording miner that answers with scripted replies (`scripted_miner.py`)."""

from __future__ import annotations

import json
from typing import Any, Iterator

import openai
import pytest
import requests

from conftest import DEV_KEY, HTTP_TIMEOUT, Router, RouterFactory, auth
from scripted_miner import ScriptedMiner, text_script

WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
ARGUMENT_PIECES = ['{"city', '": "Par', 'is"}']
USAGE = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18,
         "prompt_tokens_details": {"cached_tokens": 3}, "completion_tokens_details": {"reasoning_tokens": 2}}


def tool_script(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Two tool calls (the first's arguments in three pieces) or, once the tool answered, the final text."""
    if body["messages"][-1]["role"] == "tool":
        return text_script("It is sunny in Paris.")(body) + [{"choices": [], "usage": USAGE}]
    first = [{"choices": [{"index": 0, "delta": {"role": "assistant", "content": None, "tool_calls": [
        {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]},
        "finish_reason": None}]}]
    pieces = [{"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": p}}]},
                            "finish_reason": None}]} for p in ARGUMENT_PIECES]
    second = [{"choices": [{"index": 0, "delta": {"tool_calls": [
        {"index": 1, "id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}]},
        "finish_reason": None}]}]
    end = [{"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}, {"choices": [], "usage": USAGE}]
    return first + pieces + second + end


def two_choices_script(body: dict[str, Any]) -> list[dict[str, Any]]:
    chunks = []
    for word in ("alpha ", "beta"):
        for index in range(body.get("n", 1)):
            chunks.append({"choices": [{"index": index, "delta": {"content": f"{index}:{word}"},
                                        "finish_reason": None}]})
    for index in range(body.get("n", 1)):
        chunks.append({"choices": [{"index": index, "delta": {}, "finish_reason": "stop" if index else "length"}]})
    return chunks


def logprobs_script(body: dict[str, Any]) -> list[dict[str, Any]]:
    def entry(token: str) -> dict[str, Any]:
        return {"token": token, "logprob": -0.5, "bytes": list(token.encode()),
                "top_logprobs": [{"token": token, "logprob": -0.5, "bytes": list(token.encode())}]}
    return [{"choices": [{"index": 0, "delta": {"content": t}, "logprobs": {"content": [entry(t)], "refusal": None},
                          "finish_reason": None}]} for t in ("Hi", " there")] + \
        [{"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]


@pytest.fixture
def miner() -> Iterator[ScriptedMiner]:
    m = ScriptedMiner(tool_script)
    yield m
    m.close()


@pytest.fixture
def router(router_factory: RouterFactory, miner: ScriptedMiner) -> Router:
    return router_factory([("m1", miner, ["fake-model"])])


def sdk(router: Router) -> openai.OpenAI:
    return openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=HTTP_TIMEOUT)


USER = [{"role": "user", "content": "What is the weather in Paris?"}]


def test_every_field_reaches_the_miner_as_sent(router: Router, miner: ScriptedMiner) -> None:
    messages = [
        {"role": "developer", "content": "Answer briefly."},
        {"role": "system", "content": "You are a weather bot.", "name": "sys"},
        {"role": "user", "name": "ann", "content": [{"type": "text", "text": "part one"},
                                                     {"type": "text", "text": "part two"}]},
    ]
    fields: dict[str, Any] = {
        "tools": [WEATHER_TOOL], "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "parallel_tool_calls": False,
        "response_format": {"type": "json_schema", "json_schema": {
            "name": "weather", "strict": True,
            "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                       "additionalProperties": False}}},
        "logprobs": True, "top_logprobs": 3, "n": 1, "stop": ["\n\n", "END"], "seed": 42, "user": "user-7",
        "presence_penalty": 0.5, "frequency_penalty": -0.5, "logit_bias": {"50256": -100, "11": 5},
        "max_completion_tokens": 64, "temperature": 0.3, "top_p": 0.9, "metadata": {"k": "v"},
    }
    sdk(router).chat.completions.create(model="fake-model", messages=messages, stream=False,
                                        stream_options=None, extra_body={"min_p": 0.05, "repeat_penalty": 1.1},
                                        **fields)
    sent = miner.last
    assert sent["messages"] == messages, "every role, name and content part arrives as sent"
    for key, value in fields.items():
        if key == "max_completion_tokens":
            assert sent["max_tokens"] == 64
        else:
            assert sent[key] == value, key
    assert sent["min_p"] == 0.05 and sent["repeat_penalty"] == 1.1, "unknown fields are forwarded unchanged"
    assert sent["model"] == "fake-model" and sent["stream"] is True


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("whole", [False, True], ids=["miner-streams", "miner-answers-whole"])
def test_tools_round_trip(router: Router, miner: ScriptedMiner, stream: bool, whole: bool) -> None:
    miner.force_whole = whole
    client = sdk(router)
    if stream:
        chunks = list(client.chat.completions.create(model="fake-model", messages=USER, tools=[WEATHER_TOOL],
                                                     stream=True, stream_options={"include_usage": True}))
        calls: dict[int, dict[str, Any]] = {}
        argument_deltas = []
        for chunk in chunks:
            assert chunk.system_fingerprint == "fp_scripted"
            for choice in chunk.choices:
                for call in choice.delta.tool_calls or []:
                    whole_call = calls.setdefault(call.index, {"id": None, "name": None, "arguments": ""})
                    whole_call["id"] = call.id or whole_call["id"]
                    if call.function and call.function.name:
                        whole_call["name"] = call.function.name
                    if call.function and call.function.arguments:
                        whole_call["arguments"] += call.function.arguments
                        argument_deltas.append(call.function.arguments)
        finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
        assert finishes == ["tool_calls"]
        assert chunks[-1].usage.prompt_tokens_details.cached_tokens == 3
        if not whole:
            assert argument_deltas[:3] == ARGUMENT_PIECES, "argument pieces are relayed piece by piece"
        got = [(calls[i]["id"], calls[i]["name"], calls[i]["arguments"]) for i in sorted(calls)]
    else:
        reply = client.chat.completions.create(model="fake-model", messages=USER, tools=[WEATHER_TOOL])
        (choice,) = reply.choices
        assert choice.finish_reason == "tool_calls"
        assert choice.message.content is None
        assert reply.system_fingerprint == "fp_scripted"
        assert reply.usage.completion_tokens_details.reasoning_tokens == 2
        got = [(c.id, c.function.name, c.function.arguments) for c in choice.message.tool_calls]
    assert got == [("call_1", "get_weather", "".join(ARGUMENT_PIECES)), ("call_2", "get_time", "{}")]
    assert json.loads(got[0][2]) == {"city": "Paris"}, "the reassembled arguments are the miner's JSON"

    follow_up = USER + [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": i, "type": "function", "function": {"name": n, "arguments": a}} for i, n, a in got]},
        {"role": "tool", "tool_call_id": "call_1", "content": '{"sky": "sunny"}'},
        {"role": "tool", "tool_call_id": "call_2", "content": '"12:00"'},
    ]
    final = client.chat.completions.create(model="fake-model", messages=follow_up, tools=[WEATHER_TOOL])
    assert final.choices[0].message.content == "It is sunny in Paris."
    assert final.choices[0].finish_reason == "stop"
    assert miner.last["messages"] == follow_up


@pytest.mark.parametrize("stream", [False, True])
def test_n_returns_each_choice(router_factory: RouterFactory, stream: bool) -> None:
    miner = ScriptedMiner(two_choices_script)
    try:
        router = router_factory([("m1", miner, ["fake-model"])])
        client = sdk(router)
        if stream:
            texts: dict[int, str] = {}
            finishes: dict[int, str] = {}
            for chunk in client.chat.completions.create(model="fake-model", messages=USER, n=2, stream=True):
                for choice in chunk.choices:
                    texts[choice.index] = texts.get(choice.index, "") + (choice.delta.content or "")
                    if choice.finish_reason:
                        finishes[choice.index] = choice.finish_reason
        else:
            reply = client.chat.completions.create(model="fake-model", messages=USER, n=2)
            texts = {c.index: c.message.content for c in reply.choices}
            finishes = {c.index: c.finish_reason for c in reply.choices}
        assert texts == {0: "0:alpha 0:beta", 1: "1:alpha 1:beta"}
        assert finishes == {0: "length", 1: "stop"}
        assert miner.last["n"] == 2
    finally:
        miner.close()


@pytest.mark.parametrize("stream", [False, True])
def test_logprobs_come_back(router_factory: RouterFactory, stream: bool) -> None:
    miner = ScriptedMiner(logprobs_script)
    try:
        router = router_factory([("m1", miner, ["fake-model"])])
        client = sdk(router)
        if stream:
            entries = []
            text = ""
            for chunk in client.chat.completions.create(model="fake-model", messages=USER, logprobs=True,
                                                        top_logprobs=1, stream=True):
                for choice in chunk.choices:
                    text += choice.delta.content or ""
                    entries += choice.logprobs.content if choice.logprobs else []
        else:
            reply = client.chat.completions.create(model="fake-model", messages=USER, logprobs=True, top_logprobs=1)
            text = reply.choices[0].message.content
            entries = reply.choices[0].logprobs.content
        assert text == "Hi there"
        assert [e.token for e in entries] == ["Hi", " there"]
        assert entries[0].logprob == -0.5 and entries[0].top_logprobs[0].token == "Hi"
    finally:
        miner.close()


@pytest.mark.parametrize(("field", "value", "status", "param"), [
    ("audio", {"voice": "alloy", "format": "wav"}, 400, "audio"),
    ("web_search_options", {}, 400, "web_search_options"),
    ("store", True, 400, "store"),
    ("modalities", ["text", "audio"], 400, "modalities"),
    ("tools", {"not": "an array"}, 400, "tools"),
    ("tool_choice", "sometimes", 400, "tool_choice"),
    ("response_format", {"type": "yaml"}, 400, "response_format.type"),
    ("n", 0, 400, "n"),
    ("logit_bias", {"abc": 1}, 400, "logit_bias"),
    ("top_logprobs", 99, 400, "top_logprobs"),
])
def test_refused_and_mistyped_fields_are_400_naming_them(
        router: Router, miner: ScriptedMiner, field: str, value: Any, status: int, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk(router).chat.completions.create(model="fake-model", messages=USER, extra_body={field: value})
    assert caught.value.status_code == status
    assert caught.value.body["param"] == param
    assert caught.value.body["code"] in ("unsupported_field", "invalid_field")
    assert not miner.requests, "nothing reached the miner"


def test_messages_and_model_are_checked(router: Router, miner: ScriptedMiner) -> None:
    client = sdk(router)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"messages": [{"role": "bogus", "content": "x"}], "model": "fake-model"}, "messages[0].role"),
        ({"messages": [{"role": "tool", "content": "x"}], "model": "fake-model"}, "messages[0].tool_call_id"),
        ({"messages": [{"role": "user", "content": [{"type": "video", "video": {}}]}], "model": "fake-model"},
         "messages[0].content[0].type"),
        ({"messages": USER}, "model"),
    ]
    for body, param in bad:
        r = requests.post(router.url("/v1/chat/completions"), json=body, headers=auth(), timeout=HTTP_TIMEOUT)
        assert r.status_code == 400, body
        assert r.json()["error"]["param"] == param
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="no-such-model", messages=USER)
    assert caught.value.body["code"] == "model_not_found"
    assert not miner.requests


def test_plain_chunks_carry_the_fingerprint(router_factory: RouterFactory) -> None:
    miner = ScriptedMiner(text_script("Hello"))
    try:
        router = router_factory([("m1", miner, ["fake-model"])])
        chunks = list(sdk(router).chat.completions.create(model="fake-model", messages=USER, stream=True))
        assert chunks and all(c.system_fingerprint == "fp_scripted" for c in chunks)
        assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Hello"
    finally:
        miner.close()


def test_a_tools_request_never_gets_a_plain_cached_answer(router_factory: RouterFactory) -> None:
    def script(body: dict[str, Any]) -> list[dict[str, Any]]:
        return tool_script(body) if body.get("tools") else text_script("plain")(body)
    miner = ScriptedMiner(script)
    try:
        router = router_factory([("m1", miner, ["fake-model"])], env={"CORTENSOR_EDGE_CACHE_ADMIT_AFTER": "1"})
        client = sdk(router).chat.completions
        plain = client.with_raw_response.create(model="fake-model", messages=USER, temperature=0)
        assert plain.headers["X-Cache"] == "MISS"
        assert client.with_raw_response.create(model="fake-model", messages=USER,
                                               temperature=0).headers["X-Cache"] == "HIT"
        tools = client.with_raw_response.create(model="fake-model", messages=USER, temperature=0,
                                                tools=[WEATHER_TOOL])
        assert tools.headers["X-Cache"] == "MISS"
        assert tools.parse().choices[0].message.tool_calls
        again = client.with_raw_response.create(model="fake-model", messages=USER, temperature=0,
                                                tools=[WEATHER_TOOL])
        assert again.headers["X-Cache"] == "HIT"
        calls = again.parse().choices[0].message.tool_calls
        assert [c.function.arguments for c in calls] == ["".join(ARGUMENT_PIECES), "{}"]
        streamed = list(client.create(model="fake-model", messages=USER, temperature=0, tools=[WEATHER_TOOL],
                                      stream=True))
        pieces = [tc.function.arguments for c in streamed for ch in c.choices for tc in ch.delta.tool_calls or []
                  if tc.function and tc.function.arguments]
        assert pieces[:3] == ARGUMENT_PIECES, "a hit replays the pieces"
        assert len(miner.requests) == 2
    finally:
        miner.close()


def test_responses_text(router: Router, miner: ScriptedMiner) -> None:
    miner.script = text_script("Bonjour")
    client = sdk(router)
    reply = client.responses.create(model="fake-model", instructions="Be French.", input="Say hello.",
                                    max_output_tokens=20, temperature=0.2)
    assert reply.output_text == "Bonjour"
    assert reply.status == "completed"
    assert miner.last["messages"] == [{"role": "system", "content": "Be French."},
                                      {"role": "user", "content": "Say hello."}]
    assert miner.last["max_tokens"] == 20 and miner.last["temperature"] == 0.2
    events = list(client.responses.create(model="fake-model", input=[
        {"role": "user", "content": [{"type": "input_text", "text": "Say hello."}]}], stream=True))
    types = [e.type for e in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "Bonjour"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert events[-1].response.output_text == "Bonjour"


@pytest.mark.parametrize("stream", [False, True])
def test_responses_function_tool_round_trip(router: Router, miner: ScriptedMiner, stream: bool) -> None:
    client = sdk(router)
    tool = {"type": "function", "name": "get_weather", "description": "Weather in a city",
            "parameters": WEATHER_TOOL["function"]["parameters"]}
    if stream:
        events = list(client.responses.create(model="fake-model", input="Weather in Paris?", tools=[tool],
                                              stream=True))
        deltas = [e.delta for e in events if e.type == "response.function_call_arguments.delta"]
        assert deltas[:3] == ARGUMENT_PIECES
        reply = events[-1].response
    else:
        reply = client.responses.create(model="fake-model", input="Weather in Paris?", tools=[tool])
    calls = [item for item in reply.output if item.type == "function_call"]
    assert [(c.call_id, c.name, c.arguments) for c in calls] == [
        ("call_1", "get_weather", "".join(ARGUMENT_PIECES)), ("call_2", "get_time", "{}")]
    assert miner.last["tools"] == [WEATHER_TOOL]
    final = client.responses.create(model="fake-model", tools=[tool], input=[
        {"role": "user", "content": "Weather in Paris?"},
        *[{"type": "function_call", "call_id": c.call_id, "name": c.name, "arguments": c.arguments} for c in calls],
        {"type": "function_call_output", "call_id": "call_1", "output": '{"sky": "sunny"}'},
        {"type": "function_call_output", "call_id": "call_2", "output": '"12:00"'},
    ])
    assert final.output_text == "It is sunny in Paris."
    sent = miner.last["messages"]
    assert sent[1]["tool_calls"][0]["function"]["arguments"] == "".join(ARGUMENT_PIECES)
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "tool"]


def test_responses_refuses_what_it_cannot_translate(router: Router) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk(router).responses.create(model="fake-model", input="hi", previous_response_id="resp_123")
    assert caught.value.body["param"] == "previous_response_id"
    with pytest.raises(openai.BadRequestError) as caught:
        sdk(router).responses.create(model="fake-model", input="hi", tools=[{"type": "web_search"}])
    assert caught.value.body["param"] == "tools[0].type"


def test_too_large_body_error_has_openai_shape(router: Router) -> None:
    r = requests.post(router.url("/v1/chat/completions"), data=b"x" * (2 << 20), headers=auth(),
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 413
    error = r.json()["error"]
    assert error["param"] is None and isinstance(error["code"], str)


def test_the_local_model_refuses_what_it_cannot_honour(router_factory: RouterFactory, tiny_gguf: Any) -> None:
    """A request only the local model can answer gets a 400 naming a field it cannot honour (tools, more choices
    than it gives, a schema keyword it cannot compile, a foreign grammar) instead of an answer that ignores it; what
    its sampler does honour (`n`, `logprobs`) comes back."""
    from test_fallback_model import dead_miner, fallback_env
    router = router_factory([("miner-1", dead_miner(), ["other-model"])], env=fallback_env(tiny_gguf))
    client = sdk(router)
    pattern_schema = {"type": "json_schema", "json_schema": {"name": "code", "schema": {
        "type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]+$"}}}}}
    for extra, param in [({"tools": [WEATHER_TOOL]}, "tools"), ({"n": 9}, "n"),
                         ({"response_format": pattern_schema}, "response_format"),
                         ({"extra_body": {"grammar": "root ::= \"x\""}}, "grammar")]:
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(model="any-model", messages=USER, max_tokens=4, **extra)
        assert caught.value.body["param"] == param
        assert "local model" in caught.value.body["message"] or "pattern" in caught.value.body["message"]
    plain = client.chat.completions.create(model="any-model", messages=USER, max_tokens=4, temperature=0,
                                           response_format={"type": "text"}, user="u1")
    assert plain.choices[0].message.content
    two = client.chat.completions.create(model="any-model", messages=USER, max_tokens=4, n=2, logprobs=True,
                                         top_logprobs=2)
    assert sorted(choice.index for choice in two.choices) == [0, 1]
    assert all(choice.logprobs and choice.logprobs.content for choice in two.choices)


@pytest.fixture(scope="module")
def llama_tools_server(tiny_gguf: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """llama.cpp's server with a chat template that supports tools (llama-cpp-python's
    `chatml-function-calling`: a forced tool choice is generated under a grammar from the tool's schema)."""
    from conftest import running_llama_server
    with running_llama_server(tiny_gguf, tmp_path_factory.mktemp("llama-tools"),
                              ["--chat_format", "chatml-function-calling"]) as server:
        yield server


@pytest.mark.parametrize("stream", [False, True])
def test_llama_server_tool_call_comes_back_as_tool_calls(router_factory: RouterFactory, llama_tools_server: Any,
                                                          stream: bool) -> None:
    router = router_factory([("llama", llama_tools_server, [llama_tools_server.model])],
                            pool={"first_token_timeout_seconds": 60})
    client = openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=120)
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "properties": {"city": {"type": "string", "enum": ["Paris", "Rome"]}},
        "required": ["city"]}}}
    kwargs: dict[str, Any] = dict(model=llama_tools_server.model, messages=USER, tools=[tool], max_tokens=48,
                                  temperature=0, tool_choice={"type": "function", "function": {"name": "get_weather"}})
    if stream:
        name, arguments = "", ""
        for chunk in client.chat.completions.create(stream=True, **kwargs):
            for choice in chunk.choices:
                for call in choice.delta.tool_calls or []:
                    # llama-cpp-python repeats the function's name in every delta (OpenAI sends it once); the
                    # router relays deltas as the miner sent them, so the name is the first one seen.
                    name = name or ((call.function.name or "") if call.function else "")
                    arguments += (call.function.arguments or "") if call.function else ""
    else:
        reply = client.chat.completions.create(**kwargs)
        (call,) = reply.choices[0].message.tool_calls
        name, arguments = call.function.name, call.function.arguments
    assert name == "get_weather"
    assert json.loads(arguments)["city"] in ("Paris", "Rome"), "the grammar-constrained arguments are the tool's"
