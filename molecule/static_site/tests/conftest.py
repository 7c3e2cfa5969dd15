"""Helpers for the static_site tests: HTTP from inside the instance, and re-running the role."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from dockyard_testing import PlayResult, run_playbook

SCENARIO = Path(__file__).resolve().parents[1]
SAMPLES = SCENARIO.parents[1] / "roles" / "static_site" / "files"
PAGES = ("file1.html", "file2.html", "file3.html")
SITE = "ws"
IMAGE = "ws:latest"


def run_role(
    extra_vars: dict[str, object], *, gather_facts: bool = False, result_format: str | None = None
) -> PlayResult:
    """ansible-playbook apply.yml with `extra_vars` over vars/main.yml, against this scenario's instance.

    result_format="json" keeps each message on one line (long paths in messages are not folded).
    """
    return run_playbook(
        SCENARIO / "apply.yml", {**extra_vars, "dockyard_gather_facts": gather_facts}, result_format=result_format
    )


def copy_samples(folder: Path) -> Path:
    """A copy of the role's sample pages in `folder` (a page folder on the controller)."""
    shutil.copytree(SAMPLES, folder)
    return folder


def get(host, path: str, port: int = 8080, timeout: float = 30) -> tuple[int, str]:  # type: ignore[no-untyped-def]
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


def page(host, name: str) -> str:  # type: ignore[no-untyped-def]
    code, body = get(host, f"/{name}")
    assert code == 200, body
    return body


def image_id(host, reference: str = IMAGE) -> str:  # type: ignore[no-untyped-def]
    return host.check_output("docker image inspect --format '{{.Id}}' %s", reference)


def container_id(host, name: str = SITE) -> str:  # type: ignore[no-untyped-def]
    return host.check_output("docker inspect --format '{{.Id}}' %s", name)


def inspect(host, name: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(host.check_output("docker inspect %s", name))[0]
