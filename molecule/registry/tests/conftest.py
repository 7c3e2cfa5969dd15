"""Helpers for the registry tests: the three instances, and re-running Ansible against them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import testinfra

from dockyard_testing import PlayResult, run_playbook

SCENARIO = Path(__file__).resolve().parents[1]
PLAYBOOKS = SCENARIO.parents[1] / "playbooks"
DISTRO = os.environ.get("MOLECULE_DISTRO", "debian12")
REGISTRY_HOST = f"registry-{DISTRO}"
ADDRESS = f"{REGISTRY_HOST}:5000"
USER = "student"
# The scenario's registry password (molecule.yml): no output may contain it.
PASSWORD = "Lab-Registry-7f3a9c"
DEMO = f"{ADDRESS}/friendlyhello:latest"
CONFIG_DIR = "/etc/dockyard/registry"


def _host(name: str) -> Any:
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={inventory}")


@pytest.fixture(scope="session")
def registry() -> Any:
    return _host(REGISTRY_HOST)


@pytest.fixture(scope="session")
def client() -> Any:
    return _host(f"client-{DISTRO}")


@pytest.fixture(scope="session")
def fresh() -> Any:
    return _host(f"fresh-{DISTRO}")


def run_role(extra_vars: dict[str, object] | None = None) -> PlayResult:
    """The registry role again on the registry host (apply.yml), JSON results (one line each)."""
    return run_playbook(SCENARIO / "apply.yml", extra_vars, result_format="json")


def inspect(host: Any, name: str) -> dict[str, Any]:
    data: list[dict[str, Any]] = json.loads(host.check_output("docker inspect %s", name))
    return data[0]


def catalog(host: Any) -> list[str]:
    """The registry's repositories, asked over TLS (system trust store) with the test account."""
    out = host.check_output(
        "curl -sS --fail -u %s https://%s/v2/_catalog", f"{USER}:{PASSWORD}", ADDRESS
    )
    repositories: list[str] = json.loads(out)["repositories"]
    return repositories
