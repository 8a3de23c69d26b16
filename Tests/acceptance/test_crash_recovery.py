"""Crash recovery of tasks (issue 14): a router killed with SIGKILL mid-stream leaves no task open after restart.

The killed router cannot finish the task; at the next start it is marked failed with the reason `interrupted`, and
its record says so on `/api/v1/tasks/{sid}/{tid}`.
"""

from __future__ import annotations

import json
import subprocess

from conftest import RouterFactory, sse_events

BODY = {"session_id": 0, "prompt": "tell a long story", "stream": True, "max_tokens": 512, "cache": False}


def test_kill_9_mid_stream_then_restart_leaves_no_task_open(router_factory: RouterFactory, miner_factory) -> None:
    # 11 tokens x 30 repeats at 0.2 s each: the stream would last about 66 s; the router is killed after 2 tokens.
    miner = miner_factory(pace=0.2, stream_repeat=30)
    router = router_factory([("m1", miner, [miner.model])])
    # A task finished before the kill, which must keep its answer.
    assert router.post("/api/v1/completions", {**BODY, "stream": False, "max_tokens": 4}).status_code == 200
    with router.post("/api/v1/completions", BODY, stream=True, timeout=30) as reply:
        assert reply.status_code == 200, reply.text
        seen = 0
        for _, data in sse_events(reply):
            chunk = json.loads(data)
            seen += 1
            if seen == 2:
                break
        tid = chunk["task_id"]
        # Open while the stream runs: this is what a crash leaves behind.
        assert router.get(f"/api/v1/tasks/0/{tid}").json()["status"] == 1
        router.kill()
        router.stopped = True  # killed on purpose: teardown must not expect a clean exit
    assert router.proc is not None and router.proc.returncode == -9

    restarted = router_factory([("m1", miner, [miner.model])], state_dir=router.state_dir)
    task = restarted.get(f"/api/v1/tasks/0/{tid}").json()
    assert task["status"] == 5 and task["error"] == "interrupted", task
    assert task["finished_at"] is not None and task["finished_at"] >= task["created_at"]
    listed = restarted.get("/api/v1/tasks/0").json()["tasks"]
    assert len(listed) == 2 and not [t for t in listed if t["status"] not in (4, 5)], listed
    done = [t for t in listed if t["task_id"] != tid]
    assert done[0]["status"] == 4 and done[0]["error"] is None and done[0]["results"]["data"], done


def test_a_second_router_on_the_same_state_directory_stops_at_start(router_factory: RouterFactory,
                                                                     miner_factory) -> None:
    """The start fails the tasks left open, so it must not find another live router's: a second `serve` on the same
    state directory exits (within 60 s) naming the directory, and the first one's stream finishes as done."""
    miner = miner_factory(pace=0.05, stream_repeat=3)
    router = router_factory([("m1", miner, [miner.model])])
    with router.post("/api/v1/completions", BODY, stream=True, timeout=30) as reply:
        events = sse_events(reply)
        tid = json.loads(next(events)[1])["task_id"]
        second = router_factory([("m1", miner, [miner.model])], state_dir=router.state_dir, start=False)
        code = subprocess.run([str(second.binary), "serve", *second.args], env=second.env, capture_output=True,
                              text=True, timeout=60)
        assert code.returncode == 1, code.stderr
        assert f"state directory {router.state_dir} is in use by another cortensor-edge serve" in code.stderr
        assert [data for _, data in events][-1] == "[DONE]"
    task = router.get(f"/api/v1/tasks/0/{tid}").json()
    assert task["status"] == 4 and task["error"] is None, task
