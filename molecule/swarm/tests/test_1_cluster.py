"""Three nodes in one swarm, as the inventory says; the container that ran before survived."""

from __future__ import annotations

from typing import Any

from conftest import MANAGER, WORKER1, WORKER2, node_inspect, nodes, replicas_on, wait_for


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


def test_that_container_also_survives_a_restart_of_dockerd(worker1: Any, manager: Any) -> None:
    # live-restore was turned off by a reload (dockerd kept running); a restart, as after a
    # reboot, must bring the container back too, its data intact.
    worker1.check_output("systemctl restart docker")
    state = wait_for("the sentinel running again",
                     lambda: worker1.run("docker inspect --format '{{.State.Status}}' sentinel").stdout.strip(),
                     lambda s: s == "running", 60)
    assert state == "running"
    data = wait_for("the sentinel's data",
                    lambda: worker1.run("docker exec sentinel redis-cli get sentinel").stdout.strip(), bool, 30)
    assert data == "kept-through-swarm"
    # The node itself is back in the swarm.
    wait_for(f"{WORKER1} ready", lambda: nodes(manager),
             lambda listed: {n["Hostname"]: n["Status"] for n in listed}[WORKER1] == "Ready")
    # The stack is back to its three replicas: gunicorn exits 0 when dockerd stops it, so the
    # replica that ran on the node ends "Complete" and only the restart condition `any` (the
    # role's default) replaces it; with the course's on-failure the service stayed at 2/3.
    replicas_on(manager, 3)
