"""Helpers for the demo_app tests: HTTP from inside the instance, and re-running the role."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from dockyard_testing import PlayResult, run_playbook

SCENARIO = Path(__file__).resolve().parents[1]
APP = "friendlyhello-1"
REDIS = "friendlyhello-redis"
IMAGE = "friendlyhello:latest"
DISABLED = "<i>cannot connect to Redis, counter disabled</i>"
STATUS = re.compile(
    r"<h3>Hello (?P<name>.*)!</h3><b>Hostname:</b> (?P<hostname>[^<]*)<br/><b>Visits:</b> (?P<visits>.*)"
)


def run_role(extra_vars: dict[str, object], *, gather_facts: bool = False) -> PlayResult:
    """ansible-playbook apply.yml with `extra_vars` over vars/main.yml, against this scenario's instance."""
    return run_playbook(SCENARIO / "apply.yml", {**extra_vars, "dockyard_gather_facts": gather_facts})


def get(host, path: str, port: int = 4000, timeout: float = 30) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """GET http://127.0.0.1:<port><path> from inside the instance, retrying until it answers."""
    deadline = time.monotonic() + timeout
    while True:
        result = host.run(f"curl -sS --max-time 10 -w '\\n%{{http_code}}' http://127.0.0.1:{port}{path}")
        if result.rc == 0:
            body, _, code = result.stdout.rpartition("\n")
            return int(code), body
        if time.monotonic() > deadline:
            raise AssertionError(f"no answer on port {port}{path}: {result.stderr}")
        time.sleep(1)


def status(host, port: int = 4000) -> dict[str, str]:  # type: ignore[no-untyped-def]
    code, body = get(host, "/status", port)
    assert code == 200, body
    match = STATUS.fullmatch(body)
    assert match, body
    return match.groupdict()


def visits(host, port: int = 4000) -> int:  # type: ignore[no-untyped-def]
    value = status(host, port)["visits"]
    assert value.isdigit(), value
    return int(value)


def wait_for_redis(host, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Wait until Redis answers PING (a started Redis first loads its append-only file)."""
    deadline = time.monotonic() + timeout
    while host.run("docker exec %s redis-cli ping", REDIS).stdout.strip() != "PONG":
        assert time.monotonic() < deadline, "Redis never answered PING"
        time.sleep(0.5)


def container_id(host, name: str) -> str:  # type: ignore[no-untyped-def]
    return host.check_output("docker inspect --format '{{.Id}}' %s", name)


def inspect(host, name: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(host.check_output("docker inspect %s", name))[0]
