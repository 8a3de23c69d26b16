"""The local model honours `response_format` (issue 22, item 4) by constrained decoding: on the real fallback model
(SmolLM2-135M-Instruct, release binary, as in test_model_cli.py), a strict `json_schema` makes every one of 20
answers parse and validate with PyPI's jsonschema; the same prompts without it are the control (a 135M model
rarely writes valid JSON for this schema on its own). `json_object` gives an object; a schema keyword the
compiler does not enforce is refused by name rather than ignored.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import openai
import pytest

from conftest import DEV_KEY, RouterFactory
from structured_prompts import PROMPTS, RESPONSE_FORMAT, SCHEMA
from test_fallback_model import fallback_env
from test_model_cli import release_binary, smollm2  # noqa: F401 (fixtures)

MAX_TOKENS = 400
MODEL_TIMEOUT = 180  # seconds per request: a 400-token answer on 2 shared cores


def valid(text: str) -> bool:
    try:
        jsonschema.validate(json.loads(text), SCHEMA)
    except (ValueError, jsonschema.ValidationError):
        return False
    return True


@pytest.fixture
def client(router_factory: RouterFactory, release_binary: Path, smollm2: Path) -> openai.OpenAI:
    router_factory.binary = release_binary
    router = router_factory(env=fallback_env(smollm2, max_tokens=str(MAX_TOKENS)))
    return openai.OpenAI(base_url=router.url("/v1"), api_key=DEV_KEY, max_retries=0, timeout=MODEL_TIMEOUT)


def ask(client: openai.OpenAI, prompt: str, **extra):
    return client.chat.completions.create(
        model="smollm2", messages=[{"role": "user", "content": prompt}], temperature=0, max_tokens=MAX_TOKENS,
        extra_body={"cache": False}, **extra)


@pytest.mark.timeout(1200)
def test_every_json_schema_answer_validates(client: openai.OpenAI) -> None:
    constrained = [ask(client, prompt, response_format=RESPONSE_FORMAT) for prompt in PROMPTS]
    invalid = [(c.choices[0].finish_reason, c.choices[0].message.content) for c in constrained
               if not valid(c.choices[0].message.content)]
    assert not invalid, invalid
    assert all(c.choices[0].finish_reason == "stop" for c in constrained)


@pytest.mark.timeout(1200)
def test_the_same_prompts_unconstrained_are_the_control(client: openai.OpenAI) -> None:
    control = [ask(client, prompt) for prompt in PROMPTS]
    control_valid = sum(valid(c.choices[0].message.content) for c in control)
    print(f"control: {control_valid}/{len(PROMPTS)} unconstrained answers validate")
    assert control_valid < len(PROMPTS), "the control should show what the constraint adds"


def test_json_object_gives_an_object(client: openai.OpenAI) -> None:
    reply = ask(client, "List three colours.", response_format={"type": "json_object"})
    assert isinstance(json.loads(reply.choices[0].message.content), dict)


def test_json_schema_enum_and_array_bounds(client: openai.OpenAI) -> None:
    schema = {"type": "object", "properties": {"colours": {"type": "array", "minItems": 2, "maxItems": 2,
              "items": {"enum": ["red", "green", "blue"]}}}, "required": ["colours"], "additionalProperties": False}
    fmt = {"type": "json_schema", "json_schema": {"name": "c", "strict": True, "schema": schema}}
    reply = ask(client, "Name two colours.", response_format=fmt)
    jsonschema.validate(json.loads(reply.choices[0].message.content), schema)


def test_unsupported_schema_keywords_are_refused_by_name(client: openai.OpenAI) -> None:
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]+$"}}}
    fmt = {"type": "json_schema", "json_schema": {"name": "c", "strict": True, "schema": schema}}
    with pytest.raises(openai.APIStatusError) as refused:
        ask(client, "A code.", response_format=fmt)
    assert "pattern" in str(refused.value) and "/properties/code" in str(refused.value)
