"""An inventory change updates the service in place (rolling for the image); re-runs change nothing."""

from __future__ import annotations

from typing import Any

from conftest import STACK, replicas_on, run_role, running_tasks, service

CHANGED = {"demo_app_replicas": 4, "demo_app_cpus": "0.25", "demo_app_memory": "96M", "demo_app_image_tag": "v2"}


def _tasks_of_the_others(manager: Any) -> dict[str, set[str]]:
    return {name: {t["id"] for t in running_tasks(manager, f"{STACK}_{name}")} for name in ("redis", "proxy")}


def test_replicas_limits_and_image_change_in_place(manager: Any) -> None:
    before = service(manager)
    others = _tasks_of_the_others(manager)
    result = run_role(CHANGED)
    assert result.rc == 0, result.output[-3000:]
    after = service(manager)
    assert after["ID"] == before["ID"]  # updated, not re-created
    spec = after["Spec"]
    assert spec["Mode"]["Replicated"]["Replicas"] == 4
    assert spec["TaskTemplate"]["Resources"]["Limits"] == {"NanoCPUs": 250_000_000, "MemoryBytes": 96 * 1024 * 1024}
    assert spec["TaskTemplate"]["ContainerSpec"]["Image"] == "friendlyhello:v2"
    # A rolling update, and it finished (the role waits for it).
    assert after["UpdateStatus"]["State"] == "completed", after["UpdateStatus"]
    tasks = replicas_on(manager, 4)
    assert {t["image"] for t in tasks} == {"friendlyhello:v2"}
    # Nothing else changed: Redis and the proxies run the same tasks (stack deploy re-sends
    # every service's spec, which bumps its version, but an unchanged spec replaces no task).
    assert _tasks_of_the_others(manager) == others


def test_a_second_run_changes_nothing(manager: Any) -> None:
    before = {t["id"] for t in replicas_on(manager, 4)}, _tasks_of_the_others(manager)
    result = run_role(CHANGED)
    assert result.rc == 0, result.output[-3000:]
    assert result.changed() == 0, result.output[-3000:]
    assert ({t["id"] for t in replicas_on(manager, 4)}, _tasks_of_the_others(manager)) == before

