"""One set of instance settings (capabilities, security options, volumes, tmpfs).

.config/molecule/config.yml holds them; the lab reads them from there
(playbooks/vars/lab_host.yml). A scenario with several instances must repeat them, because
Molecule replaces the base config's platform list: this test keeps every copy equal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SETTINGS = ("capabilities", "security_opts", "volumes", "tmpfs", "cgroupns_mode", "command", "keep_volumes")


def _platforms(path: Path) -> list[dict[str, Any]]:
    platforms: list[dict[str, Any]] = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("platforms") or []
    return platforms


BASE = _platforms(REPO / ".config" / "molecule" / "config.yml")[0]
SCENARIOS = sorted(p for p in (REPO / "molecule").glob("*/molecule.yml") if _platforms(p))


def test_the_base_has_the_settings_environment_md_lists() -> None:
    assert len(BASE["capabilities"]) == 37 and "SYS_ADMIN" in BASE["capabilities"]
    assert "SYS_RESOURCE" not in BASE["capabilities"], "the VM's bounding set lacks it: containers would not start"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.parent.name for p in SCENARIOS])
def test_scenario_platforms_repeat_the_base_settings(scenario: Path) -> None:
    for platform in _platforms(scenario):
        for key in SETTINGS:
            assert platform.get(key) == BASE[key], f"{scenario}: {platform['name']}: {key} differs from the base"


def test_the_lab_reads_the_base() -> None:
    lab = (REPO / "playbooks" / "vars" / "lab_host.yml").read_text(encoding="utf-8")
    assert ".config/molecule/config.yml" in lab and "CHOWN" not in lab
