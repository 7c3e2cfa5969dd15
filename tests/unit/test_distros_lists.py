"""molecule/<scenario>/distros.txt: what `make test` and `make molecule-full` run."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard_kit.recipes import load

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p.parent for p in (REPO / "molecule").glob("*/molecule.yml"))


def _lists(path: Path) -> tuple[list[str], list[str]]:
    """(default, full-only) as scripts/molecule-matrix.sh reads them."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    default = [line for line in lines if not line.startswith("full:")]
    full = [line.removeprefix("full:") for line in lines if line.startswith("full:")]
    assert len(default) == 1, f"{path}: one line of default distros, got {default}"
    assert len(full) <= 1, f"{path}: at most one full: line"
    return default[0].split(), (full[0].split() if full else [])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_distros_are_known_and_listed_once(scenario: Path) -> None:
    known = load(REPO / "images" / "recipes.yml").distros()
    default, full = _lists(scenario / "distros.txt")
    if default == ["none"]:  # left out of make test: molecule-full runs its full: line
        assert full, "a scenario make test leaves out (none) needs a full: line"
        default = []
    assert default or full, "the scenario must run somewhere"
    every = default + full
    assert len(every) == len(set(every)), f"a distro listed twice: {every}"
    assert set(every) <= set(known), f"unknown distros: {set(every) - set(known)}"
