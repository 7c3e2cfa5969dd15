"""ca_certificates: each platform family resolves to the right paths, packages and commands.

Only Debian and Ubuntu run live (molecule/ca_certificates). For the other families this test
resolves the vars file exactly as roles/ca_certificates/tasks/set_vars.yml does (the candidate
list is read from that task and rendered with the given facts; the first file that exists wins)
and checks what the role would use there. No Docker, no Ansible run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

ROLE = Path(__file__).resolve().parents[2] / "roles" / "ca_certificates"
VARS = ROLE / "vars"
KEYS = {
    "__ca_certificates_packages",
    "__ca_certificates_anchor_dir",
    "__ca_certificates_anchor_suffix",
    "__ca_certificates_bundle",
    "__ca_certificates_refresh_commands",
    "__ca_certificates_refresh_after_removal_commands",
}

DEBIAN: dict[str, Any] = {
    "file": "default.yml",
    "anchor_dir": "/usr/local/share/ca-certificates",
    "bundle": "/etc/ssl/certs/ca-certificates.crt",
    "refresh": [["update-ca-certificates"]],
    "after_removal": [["update-ca-certificates", "--fresh"]],
}
REDHAT: dict[str, Any] = {
    "file": "RedHat.yml",
    "anchor_dir": "/etc/pki/ca-trust/source/anchors",
    "bundle": "/etc/pki/tls/certs/ca-bundle.crt",
    "refresh": [["update-ca-trust", "extract"]],
    "after_removal": [["update-ca-trust", "extract"]],
}
EL6: dict[str, Any] = dict(
    REDHAT,
    file="RedHat_6.yml",
    refresh=[["update-ca-trust", "enable"], ["update-ca-trust", "extract"]],
    after_removal=[["update-ca-trust", "enable"], ["update-ca-trust", "extract"]],
)
SUSE: dict[str, Any] = {
    "file": "Suse.yml",
    "anchor_dir": "/etc/pki/trust/anchors",
    "bundle": "/var/lib/ca-certificates/ca-bundle.pem",
    "refresh": [["update-ca-certificates"]],
    "after_removal": [["update-ca-certificates"]],
}
ALPINE: dict[str, Any] = {
    "file": "Alpine.yml",
    "anchor_dir": "/usr/local/share/ca-certificates",
    "bundle": "/etc/ssl/certs/ca-certificates.crt",
    "refresh": [["update-ca-certificates"]],
    "after_removal": [["update-ca-certificates"]],
}
ARCH: dict[str, Any] = {
    "file": "Archlinux.yml",
    "anchor_dir": "/etc/ca-certificates/trust-source/anchors",
    "bundle": "/etc/ssl/certs/ca-certificates.crt",
    "refresh": [["update-ca-trust", "extract"]],
    "after_removal": [["update-ca-trust", "extract"]],
}

# (distribution, distribution_major_version, os_family) as Ansible reports them -> expectation
PLATFORMS: dict[str, tuple[tuple[str, str, str], dict[str, Any]]] = {
    "Debian 12": (("Debian", "12", "Debian"), DEBIAN),
    "Debian 13": (("Debian", "13", "Debian"), DEBIAN),
    "Ubuntu 22.04": (("Ubuntu", "22", "Debian"), DEBIAN),
    "Ubuntu 24.04": (("Ubuntu", "24", "Debian"), DEBIAN),
    "RHEL 9": (("RedHat", "9", "RedHat"), REDHAT),
    "CentOS 7": (("CentOS", "7", "RedHat"), REDHAT),
    "Rocky 9": (("Rocky", "9", "RedHat"), REDHAT),
    "Oracle Linux 8": (("OracleLinux", "8", "RedHat"), REDHAT),
    "Oracle Linux 6": (("OracleLinux", "6", "RedHat"), EL6),
    "CentOS 6": (("CentOS", "6", "RedHat"), EL6),
    "RHEL 6": (("RedHat", "6", "RedHat"), EL6),
    "SLES 15": (("SLES", "15", "Suse"), SUSE),
    "openSUSE Leap 15": (("openSUSE Leap", "15", "Suse"), SUSE),
    "Alpine 3": (("Alpine", "3", "Alpine"), ALPINE),
    "Arch Linux": (("Archlinux", "NA", "Archlinux"), ARCH),
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def _candidates() -> list[str]:
    tasks = yaml.safe_load((ROLE / "tasks" / "set_vars.yml").read_text())
    (task,) = [t for t in tasks if "ansible.builtin.include_vars" in t]
    files: list[str] = task["vars"]["__ca_certificates_vars_files"]["files"]
    return files


def resolve(distribution: str, major: str, os_family: str) -> tuple[str, dict[str, Any]]:
    """The vars file set_vars.yml would load for these facts, and the variables it defines."""
    facts = {"distribution": distribution, "distribution_major_version": major, "os_family": os_family}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    for template in _candidates():
        name = env.from_string(template).render(ansible_facts=facts)
        if (VARS / name).is_file():
            return name, _load(VARS / name)
    raise AssertionError(f"no vars file for {facts}")


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_platform_resolves_to_its_paths_and_commands(platform: str) -> None:
    facts, expected = PLATFORMS[platform]
    name, values = resolve(*facts)
    assert name == expected["file"]
    assert values["__ca_certificates_anchor_dir"] == expected["anchor_dir"]
    assert values["__ca_certificates_bundle"] == expected["bundle"]
    assert values["__ca_certificates_refresh_commands"] == expected["refresh"]
    assert values["__ca_certificates_refresh_after_removal_commands"] == expected["after_removal"]
    assert values["__ca_certificates_packages"] == ["ca-certificates"]
    # Debian's update-ca-certificates only reads *.crt; every family gets the same suffix.
    assert values["__ca_certificates_anchor_suffix"] == ".crt"


def test_every_platform_file_defines_the_same_variables() -> None:
    files = sorted(p for p in VARS.glob("*.yml") if p.name != "main.yml")
    expected = {"default.yml", "RedHat.yml", "RedHat_6.yml", "Suse.yml", "Alpine.yml", "Archlinux.yml"}
    assert {p.name for p in files} == expected
    for path in files:
        assert set(_load(path)) == KEYS, path.name


def test_known_families_are_the_ones_with_a_file() -> None:
    known = set(_load(VARS / "main.yml")["__ca_certificates_known_families"])
    assert known == {"Debian", "RedHat", "Suse", "Alpine", "Archlinux"}
    for family in known - {"Debian"}:
        assert (VARS / f"{family}.yml").is_file(), family


def test_readme_states_each_family_paths_and_commands() -> None:
    readme = (ROLE / "README.md").read_text()
    for expected in (DEBIAN, REDHAT, EL6, SUSE, ALPINE, ARCH):
        assert str(expected["anchor_dir"]) in readme
        commands: list[list[str]] = [*expected["refresh"], *expected["after_removal"]]
        for command in commands:
            assert " ".join(command) in readme
