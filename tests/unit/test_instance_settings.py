"""One set of instance settings (capabilities, security options, volumes, tmpfs).

molecule/_shared/instance.yml holds them. Every scenario's instances are started by
molecule/_shared/create.yml, which reads that file, and the lab reads it too
(playbooks/vars/lab_host.yml): no other file may repeat them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
INSTANCE: dict[str, Any] = yaml.safe_load(
    (REPO / "molecule" / "_shared" / "instance.yml").read_text())["dockyard_instance"]
# What only instance.yml may set on a platform.
SETTINGS = ("capabilities", "security_opts", "volumes", "tmpfs", "cgroupns_mode", "command", "privileged")
SCENARIOS = sorted((REPO / "molecule").glob("*/molecule.yml"))


def test_the_settings_are_those_environment_md_lists() -> None:
    caps = INSTANCE["capabilities"]
    assert len(caps) == 37 and "SYS_ADMIN" in caps and len(set(caps)) == len(caps)
    assert "SYS_RESOURCE" not in caps, "the VM's bounding set lacks it: containers would not start"
    assert {"BPF", "PERFMON", "CHECKPOINT_RESTORE"}.isdisjoint(caps), "Docker 20.10 refuses them by name"


@pytest.mark.parametrize("config", [REPO / ".config" / "molecule" / "config.yml", *SCENARIOS],
                         ids=["base", *(p.parent.name for p in SCENARIOS)])
def test_no_platform_repeats_the_settings(config: Path) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    for platform in data.get("platforms") or []:
        repeated = sorted(set(SETTINGS) & platform.keys())
        assert not repeated, f"{config}: {platform['name']} sets {repeated}: molecule/_shared/instance.yml holds them"


def test_the_base_uses_the_shared_create_and_destroy() -> None:
    base = yaml.safe_load((REPO / ".config" / "molecule" / "config.yml").read_text())
    assert base["provisioner"]["playbooks"] == {"create": "../_shared/create.yml", "destroy": "../_shared/destroy.yml"}


def test_the_capability_list_is_written_once() -> None:
    tracked = subprocess.run(["git", "grep", "--untracked", "-l", "-e", "BLOCK_SUSPEND", "--", "*.yml", "*.yaml"],
                             cwd=REPO, capture_output=True, text=True, check=False).stdout.split()
    assert tracked == ["molecule/_shared/instance.yml"], tracked


def test_the_lab_reads_the_shared_settings() -> None:
    lab = (REPO / "playbooks" / "vars" / "lab_host.yml").read_text(encoding="utf-8")
    assert "molecule/_shared/instance.yml" in lab and "CHOWN" not in lab
