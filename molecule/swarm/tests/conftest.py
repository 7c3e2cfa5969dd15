"""Helpers for the swarm tests: the three instances, HTTP through the proxy, polling, re-runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import testinfra

from dockyard_testing import PlayResult, run_playbook

SCENARIO = Path(__file__).resolve().parents[1]
DISTRO = os.environ.get("MOLECULE_DISTRO", "debian13")
MANAGER, WORKER1, WORKER2 = (f"swarm-{n}-{DISTRO}" for n in ("m1", "w1", "w2"))
STACK = "friendlyhello"
WEB = f"{STACK}_web"
STATUS = re.compile(
    r"<h3>Hello (?P<name>.*)!</h3><b>Hostname:</b> (?P<hostname>[^<]*)<br/><b>Visits:</b> (?P<visits>.*)"
)
T = TypeVar("T")


def _host(name: str) -> Any:
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={inventory}")


@pytest.fixture(scope="session")
def manager() -> Any:
    return _host(MANAGER)


@pytest.fixture(scope="session")
def worker1() -> Any:
    return _host(WORKER1)


@pytest.fixture(scope="session")
def worker2() -> Any:
    return _host(WORKER2)


def run_role(extra_vars: dict[str, object] | None = None, *args: str) -> PlayResult:
    """The swarm role, then the stack, again (apply.yml), JSON results (one line each)."""
    return run_playbook(SCENARIO / "apply.yml", extra_vars, *args, result_format="json")


def run_swarm(extra_vars: dict[str, object] | None = None) -> PlayResult:
    """The swarm role alone again (apply_swarm.yml), JSON results."""
    return run_playbook(SCENARIO / "apply_swarm.yml", extra_vars, result_format="json")


def wait_for(what: str, probe: Callable[[], T], ok: Callable[[T], bool], timeout: float = 120) -> T:
    """probe() until ok(value), every second, up to `timeout` s; AssertionError naming `what` after."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s, last seen {value!r}")
        time.sleep(1)


def nodes(manager: Any) -> list[dict[str, Any]]:
    """`docker node ls` as the tests read it: one dict per node."""
    out = manager.check_output("docker node ls --format '{{json .}}'")
    return [json.loads(line) for line in out.splitlines()]


def node_inspect(manager: Any, name: str) -> dict[str, Any]:
    data: list[dict[str, Any]] = json.loads(manager.check_output("docker node inspect %s", name))
    return data[0]


def service(manager: Any, name: str = WEB) -> dict[str, Any]:
    data: list[dict[str, Any]] = json.loads(manager.check_output("docker service inspect %s", name))
    return data[0]


def running_tasks(manager: Any, name: str = WEB) -> list[dict[str, str]]:
    """The service's tasks that run now: [{'node', 'image', 'id'}], from `docker service ps`."""
    out = manager.check_output(
        "docker service ps %s --no-trunc --filter desired-state=running --format '{{json .}}'", name
    )
    tasks = [json.loads(line) for line in out.splitlines()]
    return [{"node": t["Node"], "image": t["Image"], "id": t["ID"]}
            for t in tasks if t["CurrentState"].startswith("Running")]


def replicas_on(manager: Any, count: int, name: str = WEB, timeout: float = 120) -> list[dict[str, str]]:
    """Wait until exactly `count` tasks of the service run; return them."""
    return wait_for(f"{name} running {count} tasks", lambda: running_tasks(manager, name),
                    lambda tasks: len(tasks) == count, timeout)


# The instances have python3 (Ansible needs it), not curl. An HTTP error exits non-zero.
_GET = "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())"


def status(host: Any, port: int = 4000) -> dict[str, str]:
    """GET /status on the host's published port (the proxy), retried until it answers 200."""
    url = f"http://127.0.0.1:{port}/status"
    result = wait_for(f"200 from {url}", lambda: host.run("python3 -c %s %s", _GET, url), lambda r: r.rc == 0, 60)
    match = STATUS.fullmatch(result.stdout)
    assert match, result.stdout
    return match.groupdict()


def hostnames_and_counts(host: Any, requests: int, port: int = 4000) -> tuple[set[str], list[int]]:
    pages = [status(host, port) for _ in range(requests)]
    return {p["hostname"] for p in pages}, [int(p["visits"]) for p in pages]


def outer_docker(*args: str) -> str:
    """docker on the engine that runs the instances (stop and start an instance)."""
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()


def failure_messages(output: str) -> list[str]:
    """The msg of every failed task in a run with result_format=json."""
    messages: list[str] = []
    decoder, marker = json.JSONDecoder(), "FAILED! => "
    at = output.find(marker)
    while at >= 0:
        result, _ = decoder.raw_decode(output, at + len(marker))
        messages.append(str(result.get("msg", "")))
        at = output.find(marker, at + len(marker))
    return messages
