"""--check on a host where the registry does not exist yet: it reports changes and makes none."""

from __future__ import annotations

from typing import Any

from conftest import SCENARIO, run_playbook

# A second registry on the same host, under names nothing else uses.
NEW = {
    "registry_container_name": "registry-check",
    "registry_data_volume": "registry-check-data",
    "registry_config_dir": "/etc/dockyard/registry-check",
    "registry_port": 5001,
}


def test_check_mode_changes_nothing(registry: Any) -> None:
    result = run_playbook(SCENARIO / "apply.yml", NEW, "--check")
    assert result.rc == 0, result.output[-3000:]
    assert result.changed() > 0
    assert not registry.file(NEW["registry_config_dir"]).exists
    assert registry.run("docker inspect registry-check").rc != 0
    assert registry.run("docker volume inspect registry-check-data").rc != 0
