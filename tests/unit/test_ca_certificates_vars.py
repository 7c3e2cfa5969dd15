"""ca_certificates: each platform family resolves to the right paths, packages and commands.

Only Debian and Ubuntu run live (molecule/ca_certificates). For the other families this test
resolves the vars files exactly as roles/ca_certificates/tasks/set_vars.yml does (the layers are
read from that task's loop and rendered with the given facts; each file that exists is loaded,
a later one overriding an earlier one) and checks what the role would use there. No Docker, no
Ansible run.
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
    "files": ["Debian.yml"],
    "anchor_dir": "/usr/local/share/ca-certificates",
    "bundle": "/etc/ssl/certs/ca-certificates.crt",
    "refresh": [["update-ca-certificates"]],
    "after_removal": [["update-ca-certificates", "--fresh"]],
}
REDHAT: dict[str, Any] = {
    "files": ["RedHat.yml"],
    "anchor_dir": "/etc/pki/ca-trust/source/anchors",
    "bundle": "/etc/pki/tls/certs/ca-bundle.crt",
    "refresh": [["update-ca-trust", "extract"]],
    "after_removal": [["update-ca-trust", "extract"]],
}
EL6: dict[str, Any] = dict(
    REDHAT,
    # RHEL 6 loads RedHat_6.yml itself, CentOS 6 and Oracle Linux 6 their links to it.
    files=["RedHat.yml", "RedHat_6.yml"],
    refresh=[["update-ca-trust", "enable"], ["update-ca-trust", "extract"]],
    after_removal=[["update-ca-trust", "enable"], ["update-ca-trust", "extract"]],
)
SUSE: dict[str, Any] = {
    "files": ["Suse.yml"],
    "anchor_dir": "/etc/pki/trust/anchors",
    "bundle": "/var/lib/ca-certificates/ca-bundle.pem",
    "refresh": [["update-ca-certificates"]],
    "after_removal": [["update-ca-certificates"]],
}
ALPINE: dict[str, Any] = {
    "files": ["Alpine.yml"],
    "anchor_dir": "/usr/local/share/ca-certificates",
    "bundle": "/etc/ssl/certs/ca-certificates.crt",
    "refresh": [["update-ca-certificates"]],
    "after_removal": [["update-ca-certificates"]],
}
ARCH: dict[str, Any] = {
    "files": ["Archlinux.yml"],
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


def _layers() -> list[str]:
    """The include_vars loop of set_vars.yml: each item a vars/ file, loaded only if it exists."""
    tasks = yaml.safe_load((ROLE / "tasks" / "set_vars.yml").read_text())
    (task,) = [t for t in tasks if "ansible.builtin.include_vars" in t]
    assert task["ansible.builtin.include_vars"] == "{{ __ca_certificates_vars_file }}"
    assert task["vars"]["__ca_certificates_vars_file"] == "{{ role_path }}/vars/{{ item }}"
    assert task["when"] == "__ca_certificates_vars_file is file"
    files: list[str] = task["loop"]
    return files


def resolve(distribution: str, major: str, os_family: str) -> tuple[list[Path], dict[str, Any]]:
    """The vars files set_vars.yml would load for these facts, in order, and the variables they define
    together (a later file overriding an earlier one, as include_vars does)."""
    facts = {"distribution": distribution, "distribution_major_version": major, "os_family": os_family}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    loaded: list[Path] = []
    values: dict[str, Any] = {}
    for template in _layers():
        path = VARS / env.from_string(template).render(ansible_facts=facts)
        # RedHat, Alpine, Archlinux: the family's file is also the distribution's; loading it twice
        # in a row is loading it once.
        if path.is_file() and loaded[-1:] != [path]:
            loaded.append(path)
            values.update(_load(path))
    if not loaded:
        raise AssertionError(f"no vars file for {facts}")
    return loaded, values


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_platform_resolves_to_its_paths_and_commands(platform: str) -> None:
    facts, expected = PLATFORMS[platform]
    loaded, values = resolve(*facts)
    assert [path.resolve().name for path in loaded] == expected["files"]
    assert set(values) == KEYS
    assert values["__ca_certificates_anchor_dir"] == expected["anchor_dir"]
    assert values["__ca_certificates_bundle"] == expected["bundle"]
    assert values["__ca_certificates_refresh_commands"] == expected["refresh"]
    assert values["__ca_certificates_refresh_after_removal_commands"] == expected["after_removal"]
    assert values["__ca_certificates_packages"] == ["ca-certificates"]
    # Debian's update-ca-certificates only reads *.crt; every family gets the same suffix.
    assert values["__ca_certificates_anchor_suffix"] == ".crt"


FAMILY_FILES = {"Debian.yml", "RedHat.yml", "Suse.yml", "Alpine.yml", "Archlinux.yml"}
# Files over a family's: the file each distribution release links to.
OVERLAYS = {
    "RedHat_6.yml": "RedHat_6.yml",
    "CentOS_6.yml": "RedHat_6.yml",
    "OracleLinux_6.yml": "RedHat_6.yml",
    "Scientific_6.yml": "RedHat_6.yml",
}


def test_every_family_file_defines_the_same_variables() -> None:
    files = sorted(p for p in VARS.glob("*.yml") if p.name != "main.yml")
    assert {p.name for p in files} == FAMILY_FILES | set(OVERLAYS)
    for path in files:
        if path.name in FAMILY_FILES:
            assert not path.is_symlink(), path.name
            assert set(_load(path)) == KEYS, path.name
        else:
            assert set(_load(path)) <= KEYS, path.name


def test_release_clones_are_links_to_one_file() -> None:
    for name, target in OVERLAYS.items():
        path = VARS / name
        assert path.resolve() == VARS / target, name
        assert path.is_symlink() == (name != target), name


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_each_layer_over_the_family_changes_a_value(platform: str) -> None:
    """An overlay that repeats its family's values is dead weight: each one must override something."""
    facts, _ = PLATFORMS[platform]
    loaded, _ = resolve(*facts)
    below: dict[str, Any] = {}
    for path in loaded:
        values = _load(path)
        if below:
            assert any(below.get(key) != value for key, value in values.items()), path.name
        below.update(values)


def test_known_families_are_the_ones_with_a_file() -> None:
    known = set(_load(VARS / "main.yml")["__ca_certificates_known_families"])
    assert known == {"Debian", "RedHat", "Suse", "Alpine", "Archlinux"}
    for family in known:
        assert (VARS / f"{family}.yml").is_file(), family


def test_readme_states_each_family_paths_and_commands() -> None:
    readme = (ROLE / "README.md").read_text()
    for expected in (DEBIAN, REDHAT, EL6, SUSE, ALPINE, ARCH):
        assert str(expected["anchor_dir"]) in readme
        commands: list[list[str]] = [*expected["refresh"], *expected["after_removal"]]
        for command in commands:
            assert " ".join(command) in readme
