"""The docker role's daemon.json helpers (plugins/filter/docker_daemon.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

_PATH = Path(__file__).resolve().parents[2] / "plugins" / "filter" / "docker_daemon.py"
_spec = importlib.util.spec_from_file_location("docker_daemon", _PATH)
assert _spec and _spec.loader
dd: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dd)

GOOD = {
    "docker_users": ["student"],
    "docker_registry_mirrors": ["https://mirror.lab.test:5000", "http://10.0.0.1"],
    "docker_insecure_registries": ["registry.lab.test:5000", "10.99.0.0/16", "[fd00::1]:5000", "localhost"],
    "docker_dns": ["192.0.2.53", "2001:db8::53"],
    "docker_dns_search": ["lab.test"],
    "docker_default_address_pools": [{"base": "10.201.0.0/16", "size": 24}],
    "docker_daemon_hosts": ["fd://", "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"],
    "docker_proxy": {"http": "http://proxy.lab.test:3128", "https": "", "no_proxy": "localhost"},
    "docker_data_root": "/srv/docker",
    "docker_version": "27.3",
    "docker_service_environment": {"DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE": "1", "OTEL_SDK_DISABLED": True},
}


def test_good_inputs_pass() -> None:
    assert dd.docker_daemon_input_errors(GOOD) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"docker_registry_mirrors": ["mirror.lab.test"]}, "docker_registry_mirrors[0] 'mirror.lab.test' is not a URL"),
        ({"docker_registry_mirrors": ["ftp://m.lab.test"]}, "docker_registry_mirrors[0]"),
        ({"docker_registry_mirrors": "https://m.lab.test"}, "docker_registry_mirrors must be a list, got str"),
        ({"docker_users": "student"}, "docker_users must be a list"),
        ({"docker_insecure_registries": ["https://r.lab.test"]}, "without a scheme"),
        ({"docker_insecure_registries": ["r.lab.test:99999"]}, "neither host[:port] nor a CIDR"),
        ({"docker_dns": ["dns.lab.test"]}, "docker_dns[0] 'dns.lab.test' is not an IP address"),
        ({"docker_dns_search": ["bad domain"]}, "docker_dns_search[0]"),
        ({"docker_default_address_pools": [{"base": "10.300.0.0/16", "size": 24}]}, "pools[0].base"),
        ({"docker_default_address_pools": [{"base": "10.0.0.0/16", "size": 8}]}, "pools[0].size"),
        ({"docker_daemon_hosts": ["tcp://0.0.0.0"]}, "docker_daemon_hosts[0]"),
        ({"docker_daemon_hosts": ["/var/run/docker.sock"]}, "docker_daemon_hosts[0]"),
        ({"docker_proxy": {"https": "proxy:3128"}}, "docker_proxy.https"),
        ({"docker_data_root": "relative/path"}, "docker_data_root 'relative/path' must be an absolute path"),
        ({"docker_version": "latest"}, "docker_version 'latest'"),
        ({"docker_service_environment": {"BAD-NAME": "1"}}, "'BAD-NAME' is not an environment variable name"),
        ({"docker_service_environment": {"X": "a\nb"}}, "docker_service_environment.X must be a plain value"),
    ],
)
def test_each_bad_input_is_named(change: dict[str, Any], message: str) -> None:
    errors = dd.docker_daemon_input_errors({**GOOD, **change})
    assert len(errors) == 1, errors
    assert message in errors[0]


def test_prune_keeps_false_and_zero() -> None:
    config: dict[str, Any] = {"a": [], "b": "", "c": None, "d": {}, "live-restore": False, "max": 0, "dns": ["1.1.1.1"]}
    assert dd.docker_daemon_prune(config) == {"live-restore": False, "max": 0, "dns": ["1.1.1.1"]}


def test_changed_keys() -> None:
    before = {"dns": ["1.1.1.1"], "registry-mirrors": ["https://a"], "debug": True}
    after = {"dns": ["1.1.1.1"], "registry-mirrors": ["https://b"], "labels": ["x=y"]}
    assert dd.docker_daemon_changed_keys(before, after) == ["debug", "labels", "registry-mirrors"]
    assert dd.docker_daemon_changed_keys(None, {"dns": []}) == ["dns"]


INFO = {
    "RegistryConfig": {
        "Mirrors": ["https://mirror.lab.test:5000/"],
        "InsecureRegistryCIDRs": ["10.99.0.0/16", "127.0.0.0/8"],
        "IndexConfigs": {"registry.lab.test:5000": {"Secure": False}, "docker.io": {"Secure": True}},
    },
    "LiveRestoreEnabled": True,
    "LoggingDriver": "json-file",
    "DockerRootDir": "/var/lib/docker",
    "Labels": [],
    "HTTPProxy": "http://xxxxx:xxxxx@proxy.lab.test:3128",
    "HTTPSProxy": "",
    "NoProxy": "localhost",
}


def test_info_matches_the_configuration() -> None:
    config = {
        "registry-mirrors": ["https://mirror.lab.test:5000"],
        "insecure-registries": ["registry.lab.test:5000", "10.99.0.0/16"],
        "live-restore": True,
        "log-driver": "json-file",
        "dns": ["192.0.2.53"],
        "proxies": {"http-proxy": "http://u:secret@proxy.lab.test:3128", "no-proxy": "localhost"},
    }
    assert dd.docker_daemon_mismatches(INFO, config) == []


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"registry-mirrors": ["https://other.lab.test"]}, "registry-mirrors"),
        ({"insecure-registries": ["new.lab.test:5000"]}, "insecure-registries"),
        ({"insecure-registries": ["10.98.0.0/16"]}, "insecure-registries"),
        ({"live-restore": False}, "live-restore"),
        ({"data-root": "/srv/docker"}, "data-root"),
        ({"labels": ["a=b"]}, "labels"),
        ({"proxies": {"http-proxy": "http://other.lab.test:3128"}}, "proxies"),
    ],
)
def test_info_mismatch_is_named(config: dict[str, Any], key: str) -> None:
    assert dd.docker_daemon_mismatches(INFO, config) == [key]


def test_variables_named_for_keys() -> None:
    assert dd.docker_daemon_variables(["dns", "no-such-option"]) == [
        "dns (docker_dns)",
        "no-such-option (docker_daemon_options)",
    ]
