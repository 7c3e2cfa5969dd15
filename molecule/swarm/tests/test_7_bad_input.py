"""Bad input fails before any host changes, each with its whole message naming the variable."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import MANAGER, SCENARIO, WORKER1, failure_messages, nodes, run_swarm, service

from dockyard_testing import PlayResult, run_many, run_playbook

# Each case: variables over the scenario's, and the message the first manager's run fails with
# (plugins/filter/swarm.py, plugins/filter/demo_app.py; argument_specs for the last ones).
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "even-managers": (
        {"swarm_managers_group": "two_managers", "swarm_workers_group": "one_worker"},
        f'swarm_managers_group: "two_managers" has 2 managers ({MANAGER}, {WORKER1}), an'
        " even number: the swarm's Raft quorum then survives no more failures than 1 managers do. Use an odd number"
        " of managers, or set swarm_allow_even_managers: true to accept it",
    ),
    "in-both-groups": (
        {"swarm_workers_group": "in_both"},
        f'swarm_managers_group, swarm_workers_group: {MANAGER} in both "swarm_managers" and "in_both"; a node is'
        " either a manager or a worker: remove it from one group",
    ),
    "advertise-not-ours": (
        {"swarm_advertise_addr": "192.0.2.10"},
        f'swarm_advertise_addr "192.0.2.10" is not an address of {MANAGER} (it has ',
    ),
    "label-not-a-string": (
        {"swarm_node_labels": {"zone": 1}},
        "swarm_node_labels.zone must be a string (quote it in YAML), got int 1",
    ),
    "label-name": (
        {"swarm_node_labels": {"room b12": "yes"}},
        'swarm_node_labels: "room b12" is not a label name (a letter or digit, then letters, digits, . _ / -)',
    ),
    "cpus-fast": (
        {"demo_app_cpus": "fast"},
        'demo_app_cpus must be a positive number of CPUs such as 0.5 or 2, got "fast"',
    ),
    "memory-50Q": (
        {"demo_app_memory": "50Q"},
        'demo_app_memory must be a size such as 10m, 512k or 1g (bytes, k, m, g), got "50Q"',
    ),
    "replicas-0": ({"demo_app_replicas": 0}, "demo_app_replicas must be a whole number of at least 1, got 0"),
    "port-70000": (
        {"demo_app_host_port": 70000},
        "demo_app_host_port must be a port number from 1 to 65535, got 70000",
    ),
    "dnsrr-with-ingress": (
        {"demo_app_publish_mode": "ingress"},
        "demo_app_endpoint_mode dnsrr needs demo_app_publish_mode host: Docker refuses ports published through the"
        " routing mesh (ingress) on services reached by DNS round robin",
    ),
    # Refused by argument_specs before tasks/validate.yml runs.
    "restart-condition": (
        {"demo_app_restart_condition": "always"},
        "value of demo_app_restart_condition must be one of: none, on-failure, any, got: always",
    ),
    "availability": (
        {"swarm_node_availability": "off"},
        "value of swarm_node_availability must be one of: active, pause, drain, got: off",
    ),
    "update-order": (
        {"demo_app_update_order": "random"},
        "value of demo_app_update_order must be one of: stop-first, start-first, got: random",
    ),
}


def _run(extra: dict[str, Any]) -> PlayResult:
    """The swarm's cases through the swarm role, the app's through the stack: each alone."""
    if any(name.startswith("swarm_") for name in extra):
        return run_swarm(extra)
    return run_playbook(SCENARIO / "apply_stack.yml", extra, result_format="json")


def _state(manager: Any) -> tuple[object, ...]:
    web = service(manager)
    return tuple(sorted((n["ID"], n["Availability"]) for n in nodes(manager))), web["Version"]["Index"]


@pytest.fixture(scope="module")
def results(manager: Any) -> dict[str, Any]:
    before = _state(manager)
    outcome = dict(zip(CASES, run_many(lambda case: _run(case[0]), CASES.values()), strict=True))
    assert _state(manager) == before, "a failed run changed the swarm or the stack"
    return outcome


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_naming_the_variable(results: dict[str, Any], case: str) -> None:
    result = results[case]
    assert result.rc != 0
    messages = failure_messages(result.output)
    assert messages, result.output[-2000:]
    assert any(CASES[case][1] in m for m in messages), messages
    assert "changed=0" in result.output and "changed=1" not in result.output, result.output[-2000:]

