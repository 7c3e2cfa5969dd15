"""Helpers: re-run the role against the Molecule instance, and query MongoDB from inside it."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCENARIO = Path(__file__).resolve().parents[1]
IMAGE = "mongo-perso:latest"
# JavaScript both shells run: the photographers as JSON, without the generated _id.
FIND_PHOTOGRAPHERS = "print(JSON.stringify(db.photographers.find({}, {_id: 0}).sort({name: 1}).toArray()))"


@dataclass
class PlayResult:
    rc: int
    output: str


def run_role(extra_vars: dict[str, object]) -> PlayResult:
    """ansible-playbook apply.yml with `extra_vars` over vars.yml, against this scenario's instance."""
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(extra_vars, handle)
    try:
        proc = subprocess.run(
            ["ansible-playbook", "-i", inventory, str(SCENARIO / "apply.yml"), "-e", f"@{handle.name}"],
            capture_output=True, text=True, check=False, cwd=SCENARIO,
            # JSON results: messages on one line (the YAML format wraps them).
            env={**os.environ, "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1",
                 "ANSIBLE_CALLBACK_RESULT_FORMAT": "json"},
        )
    finally:
        os.unlink(handle.name)
    return PlayResult(proc.returncode, proc.stdout + proc.stderr)


def run_role_many(cases: list[dict[str, object]]) -> list[PlayResult]:
    """run_role for each case, five at a time (for cases that fail before changing anything)."""
    with ThreadPoolExecutor(max_workers=5) as pool:
        return list(pool.map(run_role, cases))


def recap_changed(output: str) -> int:
    """changed= of the single host in a play recap."""
    line = next(line for line in output.splitlines() if " changed=" in line and " ok=" in line)
    return int(line.split(" changed=")[1].split()[0])


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
