"""roles/docker/files/policy-rc.d: the hold on dockerd's start during a first install.

Debian's maintainer scripts ask /usr/sbin/policy-rc.d before they start a service:
deb-systemd-invoke as `policy-rc.d <unit> <action>`, invoke-rc.d as
`policy-rc.d [--quiet] <init script> <action> [<runlevel>]`; 101 forbids, 0 allows. The role's
script forbids only Docker's own units, so that the role starts dockerd once, configured, and
every other service of the install (containerd, apparmor...) starts as it would without it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "roles" / "docker" / "files" / "policy-rc.d"
VARS = ROOT / "roles" / "docker" / "vars" / "main.yml"


def _policy(*args: str) -> int:
    return subprocess.run(["sh", str(POLICY), *args], check=False).returncode


@pytest.mark.parametrize(
    "args",
    [
        ("docker.service", "start"),
        ("docker.socket", "start"),
        ("docker", "start"),
        ("--quiet", "docker", "start", "2"),
        ("docker.service", "restart"),
    ],
)
def test_docker_units_are_held(args: tuple[str, ...]) -> None:
    assert _policy(*args) == 101


@pytest.mark.parametrize(
    "args",
    [
        ("containerd.service", "start"),
        ("--quiet", "apparmor", "start"),
        ("dockerd-rootless.service", "start"),
        ("my-docker.service", "start"),
    ],
)
def test_other_services_start_as_usual(args: tuple[str, ...]) -> None:
    assert _policy(*args) == 0


def test_the_script_carries_the_marker_the_role_recognises_it_by() -> None:
    marker = next(
        line.split(":", 1)[1].strip()
        for line in VARS.read_text(encoding="utf-8").splitlines()
        if line.startswith("__docker_policy_rc_d_marker:")
    )
    assert marker in POLICY.read_text(encoding="utf-8")
