"""The harness works: systemd runs the instance and it is the distro that was asked for."""

from __future__ import annotations

import os

import pytest

# MOLECULE_DISTRO -> (ID, VERSION_ID) in /etc/os-release
EXPECTED = {
    "debian12": ("debian", "12"),
    "debian13": ("debian", "13"),
    "ubuntu2204": ("ubuntu", "22.04"),
    "ubuntu2404": ("ubuntu", "24.04"),
}


def _os_release(host) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in host.file("/etc/os-release").content_string.splitlines() if "=" in line)
    return {k: v.strip('"') for k, v in pairs}


def test_distro_is_the_one_asked_for(host):
    distro = os.environ.get("MOLECULE_DISTRO", "debian12")
    if distro not in EXPECTED:
        pytest.fail(f"no expectation for MOLECULE_DISTRO={distro}: add it to EXPECTED")
    release = _os_release(host)
    assert (release["ID"], release["VERSION_ID"]) == EXPECTED[distro]


def test_systemd_is_pid_1(host):
    assert host.file("/proc/1/comm").content_string.strip() == "systemd"


def test_systemd_booted(host):
    state = host.run("systemctl is-system-running").stdout.strip()
    assert state in ("running", "degraded"), host.run("systemctl --failed --no-legend").stdout


def test_python_and_sudo_present(host):
    assert host.exists("python3")
    assert host.exists("sudo")
    assert host.exists("ip")
