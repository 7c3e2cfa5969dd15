"""Three nodes in one swarm, as the inventory says; the container that ran before survived."""

from __future__ import annotations

from typing import Any

from conftest import MANAGER, WORKER1, WORKER2, node_inspect, nodes


def test_three_nodes_one_leader_two_workers(manager: Any) -> None:
    listed = {n["Hostname"]: n for n in nodes(manager)}
    assert sorted(listed) == sorted([MANAGER, WORKER1, WORKER2])
    assert {n["Status"] for n in listed.values()} == {"Ready"}
    assert {n["Availability"] for n in listed.values()} == {"Active"}
    assert listed[MANAGER]["ManagerStatus"] == "Leader"
    assert listed[WORKER1]["ManagerStatus"] == listed[WORKER2]["ManagerStatus"] == ""


def test_labels_from_the_inventory(manager: Any) -> None:
    assert node_inspect(manager, MANAGER)["Spec"]["Labels"] == {"role": "front", "zone": "a"}
    assert node_inspect(manager, WORKER1)["Spec"]["Labels"] == {"zone": "b"}
    assert node_inspect(manager, WORKER2)["Spec"]["Labels"] == {"zone": "c"}


def test_every_node_advertises_its_default_address(manager: Any, worker1: Any, worker2: Any) -> None:
    for host, name in ((manager, MANAGER), (worker1, WORKER1), (worker2, WORKER2)):
        address = host.ansible("setup", "gather_subset=!all,!min,network")["ansible_facts"]["ansible_default_ipv4"]
        assert node_inspect(manager, name)["Status"]["Addr"] == address["address"]


def test_live_restore_is_off_everywhere(manager: Any, worker1: Any, worker2: Any) -> None:
    for host in (manager, worker1, worker2):
        assert host.check_output("docker info --format '{{.LiveRestoreEnabled}}'") == "false"
        assert '"live-restore": false' in host.file("/etc/docker/daemon.json").content_string


def test_container_from_before_the_swarm_still_runs_with_its_data(worker1: Any) -> None:
    # Started with live-restore on (prepare.yml); Swarm needs it off, which restarts dockerd.
    state = worker1.check_output(
        "docker inspect --format '{{.State.Status}} {{.HostConfig.RestartPolicy.Name}}' sentinel")
    assert state == "running unless-stopped"
    assert worker1.check_output("docker exec sentinel redis-cli get sentinel") == "kept-through-swarm"
