"""Docker's repository as the docker role configures it (docker_install_source: docker-ce)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dockyard_testing import run_playbook

SCENARIO = Path(__file__).resolve().parents[1]

FULL = os.environ.get("DOCKYARD_DOCKER_CE_TAGS", "docker_repository") == "all"
REPO = os.environ.get("DOCKYARD_DOCKER_CE_REPO") or "file:///opt/docker-ce-standin"
CODENAMES = {"12": "bookworm", "13": "trixie", "22.04": "jammy", "24.04": "noble"}


def _sources(host) -> dict[str, str]:
    text = host.file("/etc/apt/sources.list.d/docker.sources").content_string
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line and not line.startswith("#"))


def test_deb822_source_names_the_keyring(host):
    tree = "ubuntu" if host.system_info.distribution == "ubuntu" else "debian"
    sources = _sources(host)
    assert sources["Types"] == "deb"
    assert sources["URIs"] == f"{REPO}/{tree}"
    assert sources["Suites"] == CODENAMES[host.system_info.release]
    assert sources["Components"] == "stable"
    assert sources["Architectures"] == "amd64"
    assert sources["Signed-By"] == "/etc/apt/keyrings/docker.asc"


def test_key_in_etc_apt_keyrings(host):
    key = host.file("/etc/apt/keyrings/docker.asc")
    assert key.exists and key.user == "root" and key.mode == 0o644
    assert host.file("/etc/apt/keyrings").mode == 0o755


def test_leftovers_of_old_setups_are_gone(host):
    assert not host.file("/etc/apt/sources.list.d/docker.list").exists
    assert not host.file("/etc/apt/trusted.gpg.d/docker.gpg").exists


# The repository's steps that change the host: on a host set up already none of them runs (the
# role's one read of the host shows nothing to change). The legacy apt-key step is left out: it
# runs wherever the image has /etc/apt/trusted.gpg.
REPOSITORY_CHANGES = (
    "Remove leftovers of earlier Docker repository setups",
    "Create the apt keyring directory",
    "Download Docker's signing key, checked against its checksum",
    "Add Docker's repository",
)


def test_a_rerun_makes_no_round_trip_for_the_repository(host):
    result = run_playbook(SCENARIO / "converge.yml", {}, "--tags", "docker_repository")
    assert result.rc == 0, result.output[-2000:]
    assert result.changed() == 0, result.output[-2000:]
    assert result.statuses("Read the host's Docker setup") == ["ok"], result.output[-3000:]
    ran = {task: result.statuses(task) for task in REPOSITORY_CHANGES}
    assert ran == {task: ["skipping"] for task in REPOSITORY_CHANGES}, result.output[-3000:]


def test_a_changed_source_is_written_again(host):
    host.run("sed -i 's/^Components: .*/Components: nightly/' /etc/apt/sources.list.d/docker.sources")
    result = run_playbook(SCENARIO / "converge.yml", {}, "--tags", "docker_repository")
    assert result.rc == 0, result.output[-2000:]
    assert result.statuses("Add Docker's repository") == ["changed"], result.output[-3000:]
    assert _sources(host)["Components"] == "stable"


@pytest.mark.skipif(not FULL, reason="Docker's repository is unreachable here: repository phase only")
def test_docker_ce_installed_and_running(host):
    for package in ("docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin"):
        assert host.package(package).is_installed, package
    assert host.service("docker").is_running
    assert host.run("docker compose version").rc == 0


@pytest.fixture
def without_the_key(host):
    """The key removed, as on a fresh host; the scenario's converge puts it back afterwards."""
    host.run("rm -f /etc/apt/keyrings/docker.asc")
    yield
    result = run_playbook(SCENARIO / "converge.yml", {}, "--tags", "docker_repository")
    assert result.rc == 0, result.output[-2000:]


def test_a_key_with_the_wrong_checksum_is_refused_before_it_is_written(host, without_the_key):
    wrong = "sha256:" + "0" * 64
    result = run_playbook(
        SCENARIO / "converge.yml", {"docker_ce_gpg_key_checksum": wrong}, "--tags", "docker_repository"
    )
    assert result.rc != 0, result.output[-2000:]
    assert "Download Docker's signing key, checked against its checksum" in result.output
    assert "checksum" in result.output and "0" * 64 in result.output, result.output[-2000:]
    assert not host.file("/etc/apt/keyrings/docker.asc").exists
