"""Re-run Ansible from a test against the scenario's instances (Molecule's inventory).

Tests use it to apply a role again with other variables (bad input, a changed setting) and to
read what the run printed and changed. Extra variables go through a JSON file (-e @file), so
any structure survives without shell quoting.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

_RECAP_CHANGED = re.compile(r"^\S+\s*:\s+ok=\d+\s+changed=(\d+)", re.M)
_TASK = re.compile(r"^TASK \[(?:[^\]:]+ : )?(.+?)\] \**$")
_STATUS = re.compile(r"^(ok|changed|skipping|failed|fatal|included): ")

T = TypeVar("T")


@dataclass(frozen=True)
class PlayResult:
    """Exit code and combined stdout + stderr of one ansible-playbook run."""

    rc: int
    output: str

    def changed(self) -> int:
        """Sum of `changed=` over the hosts of the play recap (AssertionError without a recap)."""
        counts = [int(n) for n in _RECAP_CHANGED.findall(self.output)]
        assert counts, f"no play recap in the output:\n{self.output[-2000:]}"
        return sum(counts)

    def statuses(self, task: str) -> list[str]:
        """What the default callback printed for each run of the task named `task` (its name
        without the role prefix), per host and loop item: "ok", "changed", "skipping", ...
        Empty when no such task ran."""
        found: list[str] = []
        current: str | None = None
        for line in self.output.splitlines():
            header = _TASK.match(line)
            if header:
                current = header.group(1)
                continue
            status = _STATUS.match(line)
            if status and current == task:
                found.append(status.group(1))
        return found


def run_playbook(
    playbook: Path,
    extra_vars: Mapping[str, object] | None = None,
    *args: str,
    result_format: str | None = None,
    inventory: str | None = None,
) -> PlayResult:
    """ansible-playbook `playbook` with `extra_vars` (-e @file.json) and `args`.

    inventory: default $MOLECULE_INVENTORY_FILE. result_format: the callback's result format
    (`json` keeps each message on one line; default: the scenario's setting).
    """
    env = {**os.environ, "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1"}
    if result_format:
        env["ANSIBLE_CALLBACK_RESULT_FORMAT"] = result_format
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(dict(extra_vars or {}), handle)
    try:
        proc = subprocess.run(
            ["ansible-playbook", "-i", inventory or os.environ["MOLECULE_INVENTORY_FILE"], str(playbook),
             "-e", f"@{handle.name}", *args],
            capture_output=True, text=True, check=False, cwd=playbook.parent, env=env,
        )
    finally:
        os.unlink(handle.name)
    return PlayResult(proc.returncode, proc.stdout + proc.stderr)


def run_many(run: Callable[[T], PlayResult], cases: Iterable[T], workers: int = 4) -> list[PlayResult]:
    """`run` for each case, `workers` at a time, results in the order of `cases` (for runs
    that only read the host, such as bad input that fails before any change)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, cases))
