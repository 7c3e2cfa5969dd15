"""Filters behind the swarm role's checks and decisions (roles/swarm).

- swarm_input_errors: checks the role's inputs for one host, one message per problem, each
  naming the variable first: the groups (a host in both, an even number of managers, the
  first manager leaving), the advertise address (an IP address of this host), the port, the
  node's labels (strings) and availability.
- swarm_plan: what the role does on one host, decided from what its Docker engine reports
  (`docker info`, as community.docker.docker_host_info returns it) and what the first
  manager knows of its swarm: init, join, leave or nothing, the node entries to remove from
  the manager's list, and the problems that stop the role before any change (a host that
  belongs to another swarm, live-restore on, a swarm in error).

The shared rules (ports, IP addresses, the value shown in a message) come from
plugins/module_utils/checks.py; only what is particular to Swarm is written here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.dockyard.lab.plugins.module_utils.checks import (
    Problems,
    described,
    is_ip,
    is_true,
    show,
)

STATES = ("present", "absent")
AVAILABILITIES = ("active", "pause", "drain")
# A node label key as `docker node update --label-add` takes it: no '=', no blanks.
_LABEL_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def _names(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, (list, tuple)) else []


def _group_errors(p: Problems, v: Mapping[str, Any]) -> None:
    host = str(v.get("host", ""))
    managers, workers = _names(v.get("managers")), _names(v.get("workers"))
    manager_group, worker_group = v.get("swarm_managers_group"), v.get("swarm_workers_group")
    states: Mapping[str, Any] = v.get("states") or {}
    if not p.check(
        bool(managers),
        f"swarm_managers_group: the group {show(manager_group)} has no host; a swarm needs at least one manager",
    ):
        return
    p.check(
        host in managers or host in workers,
        f"swarm_managers_group, swarm_workers_group: {host} is in neither {show(manager_group)} nor"
        f" {show(worker_group)}; put it in one of them or leave it out of the play",
    )
    both = sorted(set(managers) & set(workers))
    p.check(
        not both,
        f"swarm_managers_group, swarm_workers_group: {', '.join(both)} in both {show(manager_group)} and"
        f" {show(worker_group)}; a node is either a manager or a worker: remove it from one group",
    )
    first = managers[0]
    p.check(
        states.get(first, "present") != "absent",
        f"swarm_state is absent on {first}, the first host of {show(manager_group)}, which initialises the swarm"
        " and gives the others their join tokens: put another manager first in the group",
    )
    staying = [m for m in managers if states.get(m, "present") != "absent"]
    if len(staying) % 2 == 0 and staying and not is_true(v.get("swarm_allow_even_managers")):
        p.add(
            f"swarm_managers_group: {show(manager_group)} has {len(staying)} managers ({', '.join(staying)}), an even"
            f" number: the swarm's Raft quorum then survives no more failures than {len(staying) - 1} managers do."
            " Use an odd number of managers, or set swarm_allow_even_managers: true to accept it"
        )


def _address_errors(p: Problems, v: Mapping[str, Any]) -> None:
    host, address = v.get("host"), v.get("swarm_advertise_addr")
    if address in (None, ""):
        p.add(
            f"swarm_advertise_addr is empty and {host} has no default IPv4 address"
            " (ansible_facts['default_ipv4']): set swarm_advertise_addr to the address other nodes reach it on"
        )
        return
    if not p.check(
        is_ip(address),
        "swarm_advertise_addr must be an IP address (IPv4 or IPv6, without a port: the port is swarm_port),"
        f" got {show(address)}",
    ):
        return
    addresses = v.get("addresses")
    if isinstance(addresses, (list, tuple)) and addresses:
        p.check(
            address in addresses,
            f"swarm_advertise_addr {show(address)} is not an address of {host} (it has"
            f" {', '.join(sorted(str(a) for a in addresses))}): the other nodes could not reach it there",
        )


def _node_errors(p: Problems, v: Mapping[str, Any]) -> None:
    labels = v.get("swarm_node_labels")
    if p.mapping("swarm_node_labels", labels, "a mapping of label names to string values"):
        assert isinstance(labels, Mapping)
        for key, value in labels.items():
            p.check(
                isinstance(key, str) and bool(_LABEL_KEY.fullmatch(key)),
                f"swarm_node_labels: {show(key)} is not a label name (a letter or digit, then letters, digits,"
                " . _ / -)",
            )
            p.check(
                isinstance(value, str),
                f"swarm_node_labels.{key} must be a string (quote it in YAML), got {described(value)}",
            )
    availability = v.get("swarm_node_availability")
    p.check(
        availability in AVAILABILITIES,
        f"swarm_node_availability must be one of {', '.join(AVAILABILITIES)}, got {show(availability)}",
    )


def swarm_input_errors(v: Mapping[str, Any]) -> list[str]:
    """Messages for every bad input of one host; empty when all are good.

    `v` holds the role's variables by name, and: host (inventory_hostname), managers and
    workers (the groups' hosts, in inventory order), states ({host: swarm_state} of the
    groups' hosts) and addresses (the host's IP addresses; empty or missing: not checked).
    """
    p = Problems()
    p.check(
        v.get("swarm_state") in STATES,
        f"swarm_state must be one of {', '.join(STATES)}, got {show(v.get('swarm_state'))}",
    )
    _group_errors(p, v)
    _address_errors(p, v)
    p.port("swarm_port", v.get("swarm_port"))
    p.whole("swarm_ready_timeout", v.get("swarm_ready_timeout"), 1, why=" (seconds)")
    _node_errors(p, v)
    return p.messages


def _swarm(info: Mapping[str, Any]) -> Mapping[str, Any]:
    swarm = info.get("Swarm") if isinstance(info, Mapping) else None
    return swarm if isinstance(swarm, Mapping) else {}


def _managers_of(swarm: Mapping[str, Any]) -> str:
    remote = swarm.get("RemoteManagers") or []
    addresses = sorted(str(m.get("Addr", "")) for m in remote if isinstance(m, Mapping))
    return ", ".join(addresses) or "unknown"


def swarm_plan(
    info: Mapping[str, Any],
    host: str,
    state: str,
    is_first: bool,
    cluster: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What the role does on `host`: {'action', 'node_id', 'stale', 'errors', 'live_restore'}.

    info: the host's `docker info` (docker_host_info's host_info).
    state: the host's swarm_state. is_first: the host initialises the swarm.
    cluster: what the first manager reports: {'id': its cluster ID, 'nodes': its node list as
    docker_node_info returns it} ('' and [] while it is in no swarm yet).
    action: 'init' | 'join' | 'leave' | 'none'. stale: IDs of nodes of this host's name
    that are down in the manager's list (left earlier), to remove when the host stays out.
    live_restore: the message when Docker runs with live-restore on ('' when off).
    """
    cluster = cluster or {}
    cluster_id = str(cluster.get("id") or "")
    nodes: Sequence[Mapping[str, Any]] = cluster.get("nodes") or []
    swarm = _swarm(info)
    local = str(swarm.get("LocalNodeState") or "inactive")
    node_id = str(swarm.get("NodeID") or "")
    errors: list[str] = []
    plan: dict[str, Any] = {"action": "none", "node_id": node_id, "stale": [], "errors": errors, "live_restore": ""}
    if is_true(info.get("LiveRestoreEnabled")):
        # Separate from errors: in check mode the docker role's change to it was not made.
        plan["live_restore"] = (
            f"Docker on {host} runs with live-restore on, which swarm mode refuses: apply dockyard.lab.docker with"
            " docker_swarm_node: true on it first (playbooks/swarm.yml does)"
        )
    if local not in ("inactive", "active"):
        errors.append(
            f"Docker on {host} is in swarm state {show(local)} ({swarm.get('Error') or 'no error given'}): fix it"
            " by hand (docker swarm leave --force, or docker swarm unlock) before running the role"
        )
        return plan
    if local == "inactive":
        if state == "present":
            plan["action"] = "init" if is_first else "join"
        else:
            name = str(info.get("Name") or host)
            plan["stale"] = sorted(
                str(n.get("ID"))
                for n in nodes
                if (n.get("Description") or {}).get("Hostname") == name
                and (n.get("Status") or {}).get("State") == "down"
            )
        return plan
    own_cluster = str((swarm.get("Cluster") or {}).get("ID") or "") if is_true(swarm.get("ControlAvailable")) else ""
    if is_first:
        member = is_true(swarm.get("ControlAvailable"))
        why = "as a worker, and the first manager must be a manager of the swarm it leads"
    elif own_cluster:
        member = own_cluster == cluster_id
        why = f"(cluster {own_cluster}, not {cluster_id or 'the one the first manager starts'})"
    else:
        member = bool(cluster_id) and any(n.get("ID") == node_id for n in nodes)
        why = f"(node {node_id}, not a node of {cluster_id or 'the swarm the first manager starts'})"
    if not member:
        errors.append(
            f"{host} already belongs to another swarm {why}; managers: {_managers_of(swarm)}. dockyard never"
            " re-joins a node silently: make it leave that swarm first (docker swarm leave) or take it out of"
            " the swarm groups"
        )
    elif state == "absent":
        plan["action"] = "leave"
    return plan


def swarm_nodes_not_ready(nodes: Sequence[Mapping[str, Any]], expected: Sequence[str]) -> list[str]:
    """'<hostname> (<id>): <state>' for each expected node ID that is missing or not ready in `nodes`."""
    by_id = {str(n.get("ID")): n for n in nodes or [] if isinstance(n, Mapping)}
    problems = []
    for node_id in expected or []:
        node = by_id.get(str(node_id))
        if node is None:
            problems.append(f"{node_id}: not in the node list")
            continue
        state = (node.get("Status") or {}).get("State")
        if state != "ready":
            hostname = (node.get("Description") or {}).get("Hostname", "?")
            problems.append(f"{hostname} ({node_id}): {state}")
    return problems


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "swarm_input_errors": swarm_input_errors,
            "swarm_plan": swarm_plan,
            "swarm_nodes_not_ready": swarm_nodes_not_ready,
        }
