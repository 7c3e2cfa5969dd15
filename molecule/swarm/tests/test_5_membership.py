"""swarm_state: absent leaves and is removed from the list; a host of another swarm is refused."""

from __future__ import annotations

from typing import Any

from conftest import MANAGER, WORKER1, WORKER2, failure_messages, nodes, run_swarm


def test_absent_leaves_and_is_removed_from_the_node_list(manager: Any, worker2: Any) -> None:
    result = run_swarm({"swarm_leaving_host": WORKER2})
    assert result.rc == 0, result.output[-3000:]
    assert sorted(n["Hostname"] for n in nodes(manager)) == sorted([MANAGER, WORKER1])
    assert worker2.check_output("docker info --format '{{.Swarm.LocalNodeState}}'") == "inactive"


def test_a_host_of_another_swarm_is_reported_not_rejoined(manager: Any, worker2: Any) -> None:
    worker2.check_output("docker swarm init --advertise-addr 127.0.0.1")
    try:
        result = run_swarm()
        assert result.rc != 0
        messages = failure_messages(result.output)
        assert any(f"{WORKER2} already belongs to another swarm (cluster " in m for m in messages), messages
        assert "changed=0" in result.output
        assert sorted(n["Hostname"] for n in nodes(manager)) == sorted([MANAGER, WORKER1])
    finally:
        worker2.check_output("docker swarm leave --force")


def test_the_host_rejoins_when_present_again(manager: Any) -> None:
    result = run_swarm()
    assert result.rc == 0, result.output[-3000:]
    listed = nodes(manager)
    assert sorted(n["Hostname"] for n in listed) == sorted([MANAGER, WORKER1, WORKER2])
    assert {n["Status"] for n in listed} == {"Ready"}
