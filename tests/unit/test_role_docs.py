"""Each role documents exactly the variables its argument_specs declares, with the same defaults."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROLES_DIR = Path(__file__).resolve().parents[2] / "roles"
ROLES = sorted(p.parent.parent for p in ROLES_DIR.glob("*/meta/argument_specs.yml"))


def _spec(role: Path) -> dict[str, Any]:
    """The options of every entry point (main; the internal _common has build_image instead)."""
    data = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())
    options: dict[str, Any] = {}
    for entry_point in data["argument_specs"].values():
        options.update(entry_point.get("options") or {})
    return options


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_readme_table_lists_every_variable(role: Path) -> None:
    readme = (role / "README.md").read_text()
    match = re.search(r"^## Variables\n(.*?)(?=^## )", readme, re.M | re.S)
    assert match, "README has no '## Variables' section"
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", match.group(1), re.M))
    public = {name for name in _spec(role) if name.startswith(f"{role.name}_")}
    assert documented == public, f"README only: {documented - public}; argument_specs only: {public - documented}"


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_defaults_match_argument_specs(role: Path) -> None:
    defaults_file = role / "defaults" / "main.yml"
    defaults = (yaml.safe_load(defaults_file.read_text()) if defaults_file.exists() else None) or {}
    spec = _spec(role)
    # A required option has no default (every input of the internal _common is required).
    optional = {name for name, option in spec.items() if not option.get("required")}
    only_defaults, only_spec = set(defaults) - set(spec), optional - set(defaults)
    assert not only_defaults and not only_spec, f"defaults only: {only_defaults}; spec only: {only_spec}"
    for name, value in defaults.items():
        if "default" in spec[name]:
            assert spec[name]["default"] == value, f"{name}: defaults/main.yml and argument_specs disagree"


def _shown(value: Any) -> str:
    """A default as README tables write it: `""`, `8080`, `true`, `unless-stopped`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "":
        return '""'
    return str(value)


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_readme_table_shows_the_scalar_defaults(role: Path) -> None:
    """A default cell that is one `literal` shows argument_specs' default.

    Lists and mappings are described in words; a string may be quoted (`"7.0"`, not a number) or
    shortened with an ellipsis (a long checksum).
    """
    readme = (role / "README.md").read_text()
    match = re.search(r"^## Variables\n(.*?)(?=^## )", readme, re.M | re.S)
    assert match, "README has no '## Variables' section"
    spec = _spec(role)
    wrong = {}
    for name, cell in re.findall(r"^\| `([a-z0-9_]+)` \| `([^`|]*)` \|", match.group(1), re.M):
        option = spec.get(name, {})
        default = option.get("default")
        if "default" not in option or not isinstance(default, (str, int, bool)) or "\u2026" in cell:
            continue
        if cell not in (_shown(default), f'"{default}"'):
            wrong[name] = (cell, _shown(default))
    assert not wrong, f"README default differs from argument_specs (README, spec): {wrong}"
