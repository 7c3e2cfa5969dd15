"""Helpers for tests that re-run the role against the Molecule instance."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SCENARIO = Path(__file__).resolve().parents[1]


@dataclass
class PlayResult:
    rc: int
    output: str


def run_role(extra_vars: dict[str, object], *, gather_facts: bool = True) -> PlayResult:
    """ansible-playbook apply.yml with `extra_vars` over vars/main.yml, against this scenario's instance."""
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({**extra_vars, "dockyard_gather_facts": gather_facts}, handle)
    try:
        proc = subprocess.run(
            ["ansible-playbook", "-i", inventory, str(SCENARIO / "apply.yml"), "-e", f"@{handle.name}"],
            capture_output=True, text=True, check=False, cwd=SCENARIO,
            env={**os.environ, "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1"},
        )
    finally:
        os.unlink(handle.name)
    return PlayResult(proc.returncode, proc.stdout + proc.stderr)


def run_role_many(cases: list[dict[str, object]], *, gather_facts: bool = True) -> list[PlayResult]:
    """run_role for each case, four at a time (for cases that only read the host)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda extra: run_role(extra, gather_facts=gather_facts), cases))
