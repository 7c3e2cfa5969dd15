"""Bad input fails before anything changes, naming the variable.

The cases only read the host before they fail, so they run concurrently; the host is
snapshotted once before and once after all of them.
"""

from __future__ import annotations

import pytest
from conftest import PlayResult, run_role_many

CASES = [
    (
        {"docker_registry_mirrors": ["mirror.lab.test:5000"]},
        "docker_registry_mirrors[0] 'mirror.lab.test:5000' is not a URL with a scheme",
    ),
    ({"docker_registry_mirrors": "https://mirror.lab.test"}, "docker_registry_mirrors must be a list, got str"),
    ({"docker_dns": ["dns.lab.test"]}, "docker_dns[0] 'dns.lab.test' is not an IP address"),
    ({"docker_dns": "192.0.2.53"}, "docker_dns must be a list, got str"),
    ({"docker_dns_options": ["ndots"]}, "docker_dns_options[0] 'ndots' needs a number"),
    ({"docker_install_source": "snap"}, "value of docker_install_source must be one of: docker-ce, distro"),
    ({"docker_users": ["nosuchuser"]}, "docker_users names nosuchuser, which does not exist"),
    (
        {"docker_insecure_registries": ["https://registry.lab.test:5000"]},
        "docker_insecure_registries[0] 'https://registry.lab.test:5000' takes host[:port] or a CIDR, without a scheme",
    ),
    (
        {"docker_default_address_pools": [{"base": "10.300.0.0/16", "size": 24}]},
        "docker_default_address_pools[0].base '10.300.0.0/16' is not a CIDR",
    ),
    (
        {"docker_default_address_pools": [{"base": "10.0.0.0/8", "size": 4}]},
        "docker_default_address_pools[0].size '4' must be a prefix length between the base's (8) and 32",
    ),
    (
        {"docker_live_restore": "sometimes"},
        "argument 'docker_live_restore' is of type str and we were unable to convert to bool",
    ),
    (
        {"docker_daemon_hosts": ["0.0.0.0:2375"]},
        "docker_daemon_hosts[0] '0.0.0.0:2375' must be fd://, unix:///path or tcp://host:port",
    ),
    ({"docker_proxy": {"http": "proxy.lab.test:3128"}}, "docker_proxy.http 'proxy.lab.test:3128' is not a URL"),
    ({"docker_data_root": "var/lib/docker"}, "docker_data_root 'var/lib/docker' must be an absolute path"),
    ({"docker_version": "latest"}, "docker_version 'latest' must look like 27, 27.3 or 27.3.1"),
    ({"docker_state": "running"}, "value of docker_state must be one of: present, absent"),
    (
        {"docker_service_environment": {"BAD-NAME": "1"}},
        "docker_service_environment: 'BAD-NAME' is not an environment variable name",
    ),
    ({"docker_log_options": {"max-size": "50Q"}}, "docker_log_options.max-size must be a size such as 10m"),
    (
        {"docker_daemon_options": {"registry-mirror": ["https://m.lab.test"]}},
        "docker_daemon_options.registry-mirror is not a daemon.json key dockerd knows: "
        "did you mean 'registry-mirrors'?",
    ),
    (
        {"docker_daemon_options": {"dns": ["192.0.2.1"]}},
        "docker_daemon_options.dns is also set by docker_dns: set it in one place",
    ),
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
            task = line[len("TASK [") :].split("]")[0].split(" : ", 1)[-1]
            task = task.split(" - ")[0].strip()
        elif line.startswith(("fatal:", "[ERROR]")):
            return task
    return task


def test_no_bad_input_changed_the_host(battery):
    _, unchanged = battery
    assert unchanged, "daemon.json or the installed packages changed during the bad-input runs"
