"""An inventory change updates the service in place (rolling for the image); re-runs change nothing."""

from __future__ import annotations

from typing import Any

from conftest import STACK, WEB, replicas_on, run_role, service, wait_for

CHANGED = {"demo_app_replicas": 4, "demo_app_cpus": "0.25", "demo_app_memory": "96M", "demo_app_image_tag": "v2"}


def test_replicas_limits_and_image_change_in_place(manager: Any) -> None:
    before = service(manager)
    others = {name: service(manager, f"{STACK}_{name}")["Version"]["Index"] for name in ("redis", "proxy")}
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
    # Nothing else changed.
    assert {name: service(manager, f"{STACK}_{name}")["Version"]["Index"] for name in ("redis", "proxy")} == others


def test_a_second_run_changes_nothing(manager: Any) -> None:
    before = service(manager)["Version"]["Index"]
    result = run_role(CHANGED)
    assert result.rc == 0, result.output[-3000:]
    assert result.changed() == 0, result.output[-3000:]
    assert service(manager)["Version"]["Index"] == before or service(manager)["UpdateStatus"]["State"] == "completed"


def test_back_to_the_scenario_settings(manager: Any) -> None:
    result = run_role()
    assert result.rc == 0, result.output[-3000:]
    wait_for("web back to three replicas of latest", lambda: service(manager, WEB)["Spec"],
             lambda spec: spec["Mode"]["Replicated"]["Replicas"] == 3
             and spec["TaskTemplate"]["ContainerSpec"]["Image"] == "friendlyhello:latest", 10)
    assert {t["image"] for t in replicas_on(manager, 3)} == {"friendlyhello:latest"}
