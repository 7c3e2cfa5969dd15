"""The swarm role's input checks and decisions (plugins/filter/swarm.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.dockyard.lab.plugins.filter.swarm import (
    FilterModule,
    swarm_input_errors,
    swarm_nodes_not_ready,
    swarm_plan,
)

ROLE = Path(__file__).resolve().parents[2] / "roles" / "swarm"
GROUPS = "swarm_managers_group, swarm_workers_group:"

# One manager and two workers; this host is the first manager.
GOOD: dict[str, Any] = {
    "host": "m1",
    "managers": ["m1"],
    "workers": ["w1", "w2"],
    "states": {"m1": "present", "w1": "present", "w2": "present"},
    "addresses": ["10.0.0.1", "172.17.0.1"],
    "swarm_managers_group": "swarm_managers",
    "swarm_workers_group": "swarm_workers",
    "swarm_allow_even_managers": False,
    "swarm_port": 2377,
    "swarm_state": "present",
    "swarm_advertise_addr": "10.0.0.1",
    "swarm_node_labels": {"zone": "a"},
    "swarm_node_availability": "active",
    "swarm_ready_timeout": 120,
}


def errors(**changes: Any) -> list[str]:
    return swarm_input_errors({**GOOD, **changes})


def test_defaults_pass() -> None:
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    assert swarm_input_errors({**GOOD, **defaults, "swarm_advertise_addr": "10.0.0.1"}) == []
    assert errors() == []


def test_filter_module_exposes_the_filters() -> None:
    assert set(FilterModule().filters()) == {"swarm_input_errors", "swarm_plan", "swarm_nodes_not_ready"}


def test_even_number_of_managers_is_refused_unless_allowed() -> None:
    two = {"managers": ["m1", "m2"], "states": {"m1": "present", "m2": "present"}}
    assert errors(**two) == [
        'swarm_managers_group: "swarm_managers" has 2 managers (m1, m2), an even number: the swarm\'s Raft quorum'
        " then survives no more failures than 1 managers do. Use an odd number of managers, or set"
        " swarm_allow_even_managers: true to accept it"
    ]
    assert errors(**two, swarm_allow_even_managers=True) == []
    assert errors(**two, swarm_allow_even_managers="yes") == []


def test_a_leaving_manager_does_not_count() -> None:
    three = {"managers": ["m1", "m2", "m3"], "states": {"m1": "present", "m2": "present", "m3": "absent"}}
    assert "an even number" in errors(**three)[0]
    assert errors(managers=["m1", "m2", "m3"], states={}) == []


def test_a_host_in_both_groups() -> None:
    assert errors(managers=["m1"], workers=["m1", "w1"]) == [
        f'{GROUPS} m1 in both "swarm_managers" and "swarm_workers"; a node is either a manager or a worker:'
        " remove it from one group"
    ]


def test_a_host_in_neither_group_and_no_manager() -> None:
    assert errors(host="other") == [
        f'{GROUPS} other is in neither "swarm_managers" nor "swarm_workers"; put it in one of them or leave it out'
        " of the play"
    ]
    assert errors(managers=[]) == [
        'swarm_managers_group: the group "swarm_managers" has no host; a swarm needs at least one manager'
    ]


def test_the_first_manager_cannot_leave() -> None:
    assert errors(states={"m1": "absent"}, swarm_state="absent") == [
        'swarm_state is absent on m1, the first host of "swarm_managers", which initialises the swarm and gives the'
        " others their join tokens: put another manager first in the group"
    ]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("10.9.9.9", 'swarm_advertise_addr "10.9.9.9" is not an address of m1 (it has 10.0.0.1, 172.17.0.1): the'
                     " other nodes could not reach it there"),
        ("eth0", "swarm_advertise_addr must be an IP address (IPv4 or IPv6, without a port: the port is swarm_port),"
                 ' got "eth0"'),
        ("10.0.0.1:2377", "swarm_advertise_addr must be an IP address (IPv4 or IPv6, without a port: the port is"
                          ' swarm_port), got "10.0.0.1:2377"'),
        ("", "swarm_advertise_addr is empty and m1 has no default IPv4 address (ansible_facts['default_ipv4']): set"
             " swarm_advertise_addr to the address other nodes reach it on"),
    ],
)
def test_advertise_address(address: str, message: str) -> None:
    assert errors(swarm_advertise_addr=address) == [message]


def test_advertise_address_unchecked_without_facts() -> None:
    assert errors(addresses=[], swarm_advertise_addr="10.9.9.9") == []
    assert errors(addresses=["fd00::1"], swarm_advertise_addr="fd00::1") == []


def test_labels_must_be_strings() -> None:
    assert errors(swarm_node_labels={"zone": 1, "ssd": True, "ok": "yes"}) == [
        "swarm_node_labels.zone must be a string (quote it in YAML), got int 1",
        "swarm_node_labels.ssd must be a string (quote it in YAML), got bool true",
    ]
    assert errors(swarm_node_labels={"a b": "x"}) == [
        'swarm_node_labels: "a b" is not a label name (a letter or digit, then letters, digits, . _ / -)'
    ]
    assert errors(swarm_node_labels=["zone=a"]) == [
        'swarm_node_labels must be a mapping of label names to string values, got list ["zone=a"]'
    ]


def test_availability_state_port_timeout() -> None:
    assert errors(swarm_node_availability="down") == [
        'swarm_node_availability must be one of active, pause, drain, got "down"'
    ]
    assert errors(swarm_state="gone") == ['swarm_state must be one of present, absent, got "gone"']
    assert errors(swarm_port=0) == ["swarm_port must be a port number from 1 to 65535, got 0"]
    assert errors(swarm_ready_timeout=0) == [
        "swarm_ready_timeout must be a whole number of at least 1 (seconds), got 0"]


# docker info as docker_host_info returns it.
INACTIVE: dict[str, Any] = {
    "Name": "w1", "LiveRestoreEnabled": False, "Swarm": {"LocalNodeState": "inactive", "NodeID": ""}}
MANAGER: dict[str, Any] = {
    "Name": "m1",
    "LiveRestoreEnabled": False,
    "Swarm": {"LocalNodeState": "active", "NodeID": "n-m1", "ControlAvailable": True, "Cluster": {"ID": "c1"}},
}
WORKER: dict[str, Any] = {
    "Name": "w1",
    "LiveRestoreEnabled": False,
    "Swarm": {"LocalNodeState": "active", "NodeID": "n-w1", "ControlAvailable": False,
              "RemoteManagers": [{"NodeID": "n-m1", "Addr": "10.0.0.1:2377"}]},
}


def node(node_id: str, hostname: str, state: str = "ready") -> dict[str, Any]:
    return {"ID": node_id, "Description": {"Hostname": hostname}, "Status": {"State": state}}


CLUSTER = {"id": "c1", "nodes": [node("n-m1", "m1"), node("n-w1", "w1")]}


def test_plan_init_join_and_nothing() -> None:
    assert swarm_plan(INACTIVE, "m1", "present", True, {}) == {
        "action": "init", "node_id": "", "stale": [], "errors": [], "live_restore": ""}
    assert swarm_plan(INACTIVE, "w1", "present", False, {})["action"] == "join"
    assert swarm_plan(MANAGER, "m1", "present", True, CLUSTER)["action"] == "none"
    assert swarm_plan(WORKER, "w1", "present", False, CLUSTER) == {
        "action": "none", "node_id": "n-w1", "stale": [], "errors": [], "live_restore": ""}


def test_plan_leave_and_stale_entries() -> None:
    assert swarm_plan(WORKER, "w1", "absent", False, CLUSTER)["action"] == "leave"
    left = {"id": "c1", "nodes": [node("n-m1", "m1"), node("old", "w1", "down"), node("live", "w1")]}
    assert swarm_plan(INACTIVE, "w1", "absent", False, left) == {
        "action": "none", "node_id": "", "stale": ["old"], "errors": [], "live_restore": ""}


def test_plan_refuses_a_host_of_another_swarm() -> None:
    other = {"id": "c2", "nodes": [node("n-m9", "m9")]}
    plan = swarm_plan(WORKER, "w1", "present", False, other)
    assert plan["action"] == "none"
    assert plan["errors"] == [
        "w1 already belongs to another swarm (node n-w1, not a node of c2); managers: 10.0.0.1:2377. dockyard never"
        " re-joins a node silently: make it leave that swarm first (docker swarm leave) or take it out of the swarm"
        " groups"
    ]
    # A manager of another cluster, and any member while the first manager has no swarm yet.
    assert "(cluster c1, not c2)" in swarm_plan(MANAGER, "m2", "present", False, other)["errors"][0]
    fresh = swarm_plan(WORKER, "w1", "present", False, {})
    assert "not a node of the swarm the first manager starts" in fresh["errors"][0]
    # Leaving is refused too: the role only takes nodes out of its own swarm.
    assert swarm_plan(WORKER, "w1", "absent", False, other)["errors"]
    # The first manager must be a manager of the swarm it leads.
    assert "as a worker" in swarm_plan(WORKER, "m1", "present", True, {})["errors"][0]


def test_plan_refuses_live_restore_and_broken_states() -> None:
    plan = swarm_plan({**INACTIVE, "LiveRestoreEnabled": True}, "w1", "present", False, {})
    assert plan["live_restore"] == (
        "Docker on w1 runs with live-restore on, which swarm mode refuses: apply dockyard.lab.docker with"
        " docker_swarm_node: true on it first (playbooks/swarm.yml does)"
    )
    assert plan["errors"] == []
    locked = {"Swarm": {"LocalNodeState": "locked", "Error": ""}}
    assert swarm_plan(locked, "w1", "present", False, CLUSTER)["errors"] == [
        'Docker on w1 is in swarm state "locked" (no error given): fix it by hand (docker swarm leave --force, or'
        " docker swarm unlock) before running the role"
    ]


def test_nodes_not_ready() -> None:
    nodes = [node("a", "m1"), node("b", "w1", "down")]
    assert swarm_nodes_not_ready(nodes, ["a", "b", "c"]) == ["w1 (b): down", "c: not in the node list"]
    assert swarm_nodes_not_ready(nodes, ["a"]) == []
