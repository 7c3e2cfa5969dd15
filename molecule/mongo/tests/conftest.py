"""Helpers: re-run the role against the Molecule instance, and query MongoDB from inside it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from dockyard_testing import PlayResult, run_many, run_playbook

SCENARIO = Path(__file__).resolve().parents[1]
IMAGE = "mongo-perso:latest"
# JavaScript both shells run: the photographers as JSON, without the generated _id.
FIND_PHOTOGRAPHERS = "print(JSON.stringify(db.photographers.find({}, {_id: 0}).sort({name: 1}).toArray()))"


def run_role(extra_vars: dict[str, object]) -> PlayResult:
    """ansible-playbook apply.yml with `extra_vars` over vars.yml, against this scenario's instance
    (JSON results: messages on one line; the YAML format wraps them)."""
    return run_playbook(SCENARIO / "apply.yml", extra_vars, result_format="json")


def run_role_many(cases: list[dict[str, object]]) -> list[PlayResult]:
    """run_role for each case, five at a time (for cases that fail before changing anything)."""
    return run_many(run_role, cases, workers=5)


def mongo_shell(host: Any, address: str, script: str, *args: str) -> Any:
    """Run the image's MongoDB shell in a throw-away container on the instance's host network,
    as the course runs `mongo localhost/artists --eval ...` on the Docker host itself."""
    cmd = ["docker", "run", "--rm", "--network", "host", "--entrypoint", "mongo-perso-shell", IMAGE,
           address, "--quiet", *args, "--eval", script]
    return host.run(shlex.join(cmd))


def photographers(host: Any, address: str = "localhost:27017/artists", *args: str) -> list[dict[str, Any]]:
    result = mongo_shell(host, address, FIND_PHOTOGRAPHERS, *args)
    assert result.rc == 0, result.stdout + result.stderr
    docs: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return docs


def inspect(host: Any, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(host.check_output(f"docker inspect {shlex.quote(name)}"))[0]
    return data
