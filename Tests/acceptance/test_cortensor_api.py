"""The Cortensor REST API v1 completion and task endpoints, as existing Cortensor clients use them."""

from __future__ import annotations

import json
import time

import requests

from conftest import DEV_KEY, HTTP_TIMEOUT, Router, sse_events
from fake_miner import FakeMiner

# Every documented request field, with the types real clients send (official-router-notes §2.3).
FULL_BODY = {
    "session_id": 0,
    "prompt": "<|USER|>Say hello<|ASSISTANT|>",
    "prompt_type": 1,
    "prompt_template": "",
    "stream": False,
    "timeout": 60,
    "client_reference": "acceptance-suite",
    "max_tokens": 64,
    "temperature": 0.5,
    "top_p": 0.95,
    "top_k": 40,
    "presence_penalty": 0,
    "frequency_penalty": 0.0,
    "precommit_timeout": 90,
    "stop": ["<|USER|>"],
    "max_miners": 1,
}


def get_task(router: Router, sid: object, tid: object) -> dict:
    r = router.get(f"/api/v1/tasks/{sid}/{tid}")
    assert r.status_code == 200, r.text
    return r.json()


def check_finished_task(task: dict, sid: int, tid: object, text: str, miner_id: str) -> None:
    assert str(task["session_id"]) == str(sid)
    assert str(task["task_id"]) == str(tid)
    assert task["status"] == 4
    assert miner_id in task["assigned_miners"]
    assert isinstance(task["created_at"], (int, float)) and task["created_at"] > 0
    assert isinstance(task["finished_at"], (int, float)) and task["finished_at"] >= task["created_at"]
    assert task["results"]["data"] == [text]
    assert task["results"]["miners"] == [miner_id]


def test_non_stream_completion_shape_and_task(router: Router, fake_miner: FakeMiner) -> None:
    r = router.post("/api/v1/completions", FULL_BODY)
    assert r.status_code == 200, r.text
    assert r.headers["X-Cortensor-Miner"] == "m1"
    body = r.json()
    for key in ("id", "created", "model", "task_id", "session_id"):
        assert key in body, key
    assert body["object"] == "text_completion"
    assert str(body["session_id"]) == "0"
    (choice,) = body["choices"]
    assert choice["index"] == 0
    assert choice["logprobs"] is None
    assert choice["finish_reason"] in ("stop", "length")
    sent = fake_miner.requests[-1].sent_text
    assert sent and choice["text"] == sent
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["completion_tokens"] > 0

    task = get_task(router, 0, body["task_id"])
    check_finished_task(task, 0, body["task_id"], choice["text"], "m1")

    r = router.get("/api/v1/tasks/0")
    assert r.status_code == 200
    tasks = r.json()["tasks"]
    assert str(body["task_id"]) in [str(t.get("task_id", t.get("id"))) for t in tasks]


def test_task_request_and_result_are_blocks(router: Router, fake_miner: FakeMiner) -> None:
    """Every task's request and result are content-addressed blocks, served by the IPFS gateway."""
    body = {"session_id": 0, "prompt": "Store me as a block", "stream": False, "temperature": 0.5}
    r = router.post("/api/v1/completions", body)
    assert r.status_code == 200, r.text
    task = get_task(router, 0, r.json()["task_id"])
    request_cid, result_cid = task["request_cid"], task["result_cid"]
    assert request_cid.startswith("bafkrei") and result_cid.startswith("bafkrei")
    stored_request = requests.get(router.url(f"/ipfs/{request_cid}?format=raw"), timeout=HTTP_TIMEOUT).json()
    assert stored_request["input"] == {"prompt": "Store me as a block"} and stored_request["temperature"] == 0.5
    stored_result = requests.get(router.url(f"/ipfs/{result_cid}?format=raw"), timeout=HTTP_TIMEOUT).json()
    assert stored_result["results"] == [{"miner": "m1", "data": r.json()["choices"][0]["text"]}]


def test_prompt_and_options_reach_the_miner(router: Router, fake_miner: FakeMiner) -> None:
    r = router.post("/api/v1/completions", {**FULL_BODY, "max_tokens": 3})
    assert r.status_code == 200, r.text
    upstream = fake_miner.requests[-1].body
    prompt = upstream.get("prompt")
    if prompt is None:  # relayed as chat
        prompt = "".join(m.get("content", "") for m in upstream["messages"])
    assert FULL_BODY["prompt"] in prompt
    assert upstream["max_tokens"] == 3
    assert r.json()["choices"][0]["text"] == "Hello from the"
    assert r.json()["choices"][0]["finish_reason"] == "length"


def test_completion_with_session_in_path(router: Router, fake_miner: FakeMiner) -> None:
    body = {k: v for k, v in FULL_BODY.items() if k != "session_id"}
    r = router.post("/api/v1/completions/0", body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert str(out["session_id"]) == "0"
    check_finished_task(get_task(router, 0, out["task_id"]), 0, out["task_id"], out["choices"][0]["text"], "m1")


def test_unknown_fields_are_ignored(router: Router) -> None:
    r = router.post("/api/v1/completions", {**FULL_BODY, "some_future_field": {"x": [1, 2]}, "another": None})
    assert r.status_code == 200, r.text


def test_unknown_session_completion_is_404(router: Router) -> None:
    r = router.post("/api/v1/completions", {**FULL_BODY, "session_id": 999})
    assert r.status_code == 404
    assert r.json()["status"] == "failed"


def test_unknown_task_is_404(router: Router) -> None:
    r = router.get("/api/v1/tasks/0/987654321")
    assert r.status_code == 404
    assert r.json()["status"] == "failed"


def test_stream_completion_sse_and_task(router: Router, fake_miner: FakeMiner) -> None:
    fake_miner.set_behaviour(pace=0.02)
    with router.post("/api/v1/completions", {**FULL_BODY, "stream": True}, stream=True) as r:
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("text/event-stream")
        assert r.headers["X-Cortensor-Miner"] == "m1"
        events = [data for _, data in sse_events(r)]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks, "no data chunks before [DONE]"
    task_ids = {str(c["task_id"]) for c in chunks}
    assert len(task_ids) == 1
    for c in chunks:
        assert isinstance(c["choices"][0]["text"], str)
    assert chunks[-1]["choices"][0]["finish_reason"] is not None
    assert all(c["choices"][0].get("finish_reason") is None for c in chunks[:-1])
    text = "".join(c["choices"][0]["text"] for c in chunks)
    assert text == fake_miner.requests[-1].sent_text
    tid = task_ids.pop()
    check_finished_task(get_task(router, 0, tid), 0, tid, text, "m1")


def community_client_stream(base: str, key: str, session_id: int, prompt: str) -> tuple[str, str | None]:
    """A client written the way the community JS clients are (EurekaAI route.ts, Showcase chatbot.js): POST with
    session_id, read the body as text, split into lines, take `data: ` lines, stop at [DONE], JSON-parse, append
    `choices[0].text`. Returns (text, task id)."""
    resp = requests.post(
        f"{base}/api/v1/completions",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept": "text/event-stream"},
        data=json.dumps({"session_id": session_id, "prompt": prompt, "prompt_type": 1, "prompt_template": "",
                         "stream": True, "timeout": 60, "client_reference": "community-client", "max_tokens": 32,
                         "temperature": 0.7, "top_p": 0.95, "top_k": 40, "presence_penalty": 0,
                         "frequency_penalty": 0}),
        stream=True, timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    text, task_id, buffer, done = "", None, "", False
    decoder = __import__("codecs").getincrementaldecoder("utf-8")()
    for piece in resp.iter_content(chunk_size=None):
        buffer += decoder.decode(piece)
        lines = buffer.split("\n")
        buffer = lines.pop()
        for line in lines:
            if not line.startswith("data: "):
                continue
            data = line[6:].strip()
            if data == "[DONE]":
                done = True
                break
            parsed = json.loads(data)
            task_id = parsed.get("task_id", task_id)
            text += parsed.get("choices", [{}])[0].get("text") or ""
        if done:
            break
    resp.close()
    assert done, "stream ended without data: [DONE]"
    return text, None if task_id is None else str(task_id)


def test_community_client_stream_then_task(router: Router, fake_miner: FakeMiner) -> None:
    fake_miner.set_behaviour(pace=0.01)
    text, tid = community_client_stream(router.base, DEV_KEY, 0, "<|USER|>hi<|ASSISTANT|>")
    assert text == fake_miner.requests[-1].sent_text
    assert tid is not None
    task = get_task(router, 0, tid)
    assert task["status"] == 4
    assert task["results"]["data"][0] == text


def test_redundant_session_records_every_miners_answer(router_factory, miner_factory) -> None:
    """A session with redundancy 2 sends each task to two distinct miners; the caller gets the first answer
    at once, and the task (as claim-check style clients poll it) finishes with one result per miner."""
    fast, slow = miner_factory(), miner_factory(pace=0.05)
    router = router_factory([("fast", fast, []), ("slow", slow, [])],
                            sessions=[{"id": 5, "name": "redundant", "miners": ["fast", "slow"], "redundancy": 2}])
    r = router.post("/api/v1/completions/5", {"prompt": "hi", "stream": False, "timeout": 60})
    assert r.status_code == 200, r.text
    body = r.json()
    tid = body["task_id"]
    task: dict = {}
    for _ in range(100):  # the second replica finishes in the background
        task = get_task(router, 5, tid)
        if task["status"] == 4:
            break
        time.sleep(0.1)
    assert task["status"] == 4, task
    assert sorted(task["assigned_miners"]) == ["fast", "slow"]
    assert sorted(task["results"]["miners"]) == ["fast", "slow"]
    assert task["results"]["miners"][0] == r.headers["X-Cortensor-Miner"]
    assert task["results"]["data"][0] == body["choices"][0]["text"]
    assert len(task["results"]["data"]) >= len(task["assigned_miners"])
    assert len(fast.requests) == 1 and len(slow.requests) == 1


def test_session_id_range_is_the_same_in_body_and_path(router_factory, fake_miner: FakeMiner) -> None:
    """Issue 14: a session id is 0...2^63-1 in the configuration, the path and the body alike (the body capped at
    2^31-1 before); beyond it, or negative, both answer 400 naming the range."""
    big = 2**63 - 1
    router = router_factory([("m1", fake_miner, [fake_miner.model])],
                            sessions=[{"id": 3_000_000_000, "name": "past-int32"}, {"id": big, "name": "largest"}])
    body = {"prompt": "hi", "max_tokens": 4}
    for sid in (3_000_000_000, big):
        in_body = router.post("/api/v1/completions", {**body, "session_id": sid})
        assert in_body.status_code == 200, in_body.text
        assert in_body.json()["session_id"] == sid
        in_path = router.post(f"/api/v1/completions/{sid}", body)
        assert in_path.status_code == 200, in_path.text
        assert router.get(f"/api/v1/tasks/{sid}").json()["total"] == 2
    # Within the range but not configured: 404 from both.
    assert router.post("/api/v1/completions", {**body, "session_id": 2**31}).status_code == 404
    assert router.post(f"/api/v1/completions/{2**31}", body).status_code == 404
    expected = "field 'session_id' must be an integer between 0 and 9223372036854775807"
    for sid in (2**63, 2**64, -1, 10**30):
        replies = [router.post("/api/v1/completions", {**body, "session_id": sid}),
                   router.post(f"/api/v1/completions/{sid}", body), router.get(f"/api/v1/tasks/{sid}"),
                   router.get(f"/api/v1/sessions/{sid}")]
        for reply in replies:
            assert reply.status_code == 400, (sid, reply.url, reply.text)
            assert reply.json()["error"]["message"] == expected, reply.text
