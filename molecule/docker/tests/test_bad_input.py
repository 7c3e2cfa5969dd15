"""Bad input fails before anything changes, naming the variable.

The cases only read the host before they fail, so they run concurrently; the host is
snapshotted once before and once after all of them.
"""

from __future__ import annotations

import pytest
from conftest import PlayResult, run_role_many

CASES = [
    ({"docker_registry_mirrors": ["mirror.lab.test:5000"]}, "docker_registry_mirrors[0]"),
    ({"docker_registry_mirrors": "https://mirror.lab.test"}, "docker_registry_mirrors must be a list"),
    ({"docker_dns": ["dns.lab.test"]}, "docker_dns[0]"),
    ({"docker_dns": "192.0.2.53"}, "docker_dns must be a list"),
    ({"docker_install_source": "snap"}, "docker_install_source"),
    ({"docker_users": ["nosuchuser"]}, "docker_users names nosuchuser"),
    ({"docker_insecure_registries": ["https://registry.lab.test:5000"]}, "docker_insecure_registries[0]"),
    ({"docker_default_address_pools": [{"base": "10.300.0.0/16", "size": 24}]}, "docker_default_address_pools[0].base"),
    ({"docker_default_address_pools": [{"base": "10.0.0.0/8", "size": 4}]}, "docker_default_address_pools[0].size"),
    ({"docker_live_restore": "sometimes"}, "docker_live_restore"),
    ({"docker_daemon_hosts": ["0.0.0.0:2375"]}, "docker_daemon_hosts[0]"),
    ({"docker_proxy": {"http": "proxy.lab.test:3128"}}, "docker_proxy.http"),
    ({"docker_data_root": "var/lib/docker"}, "docker_data_root"),
    ({"docker_version": "latest"}, "docker_version"),
    ({"docker_state": "running"}, "docker_state"),
    ({"docker_service_environment": {"BAD-NAME": "1"}}, "docker_service_environment"),
]


def _snapshot(host) -> tuple[bytes, str]:
    daemon = host.file("/etc/docker/daemon.json").content
    packages = host.check_output("dpkg-query -W -f '${Package} ${Version} ${Status}\\n'")
    return daemon, packages


@pytest.fixture(scope="module")
def battery(host) -> tuple[list[PlayResult], bool]:
    before = _snapshot(host)
    results = run_role_many([extra for extra, _ in CASES], gather_facts=False)
    return results, _snapshot(host) == before


@pytest.mark.parametrize("index", range(len(CASES)), ids=[named for _, named in CASES])
def test_bad_input_fails_naming_the_variable(battery, index):
    results, _ = battery
    result, named = results[index], CASES[index][1]
    assert result.rc != 0, result.output
    assert named in result.output, result.output
    assert _failed_task(result.output) in INPUT_CHECKS, result.output


# The tasks that check input: a case must fail in one of them, before any task that changes.
INPUT_CHECKS = (
    "Validating arguments against arg spec 'main'",
    "Check the daemon and install settings",
    "Check that every user in docker_users exists",
)


def _failed_task(output: str) -> str:
    """Name of the task that failed: the last TASK header before the first failure."""
    task = ""
    for line in output.splitlines():
        if line.startswith("TASK ["):
            task = line[len("TASK ["):].split("]")[0].split(" : ", 1)[-1]
            task = task.split(" - ")[0].strip()
        elif line.startswith(("fatal:", "[ERROR]")):
            return task
    return task


def test_no_bad_input_changed_the_host(battery):
    _, unchanged = battery
    assert unchanged, "daemon.json or the installed packages changed during the bad-input runs"
