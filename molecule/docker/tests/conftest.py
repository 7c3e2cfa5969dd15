"""Helpers for tests that re-run the role against the Molecule instance."""

from __future__ import annotations

from pathlib import Path

from dockyard_testing import PlayResult, run_many, run_playbook

SCENARIO = Path(__file__).resolve().parents[1]

__all__ = ["SCENARIO", "PlayResult", "run_playbook", "run_role", "run_role_many"]


def run_role(extra_vars: dict[str, object], *, gather_facts: bool = True) -> PlayResult:
    """ansible-playbook apply.yml with `extra_vars` over vars/main.yml, against this scenario's instance."""
    return run_playbook(SCENARIO / "apply.yml", {**extra_vars, "dockyard_gather_facts": gather_facts})


def run_role_many(cases: list[dict[str, object]], *, gather_facts: bool = True) -> list[PlayResult]:
    """run_role for each case, four at a time (for cases that only read the host)."""
    return run_many(lambda extra: run_role(extra, gather_facts=gather_facts), cases)
