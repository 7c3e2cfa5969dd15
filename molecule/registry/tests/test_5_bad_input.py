"""Bad input fails before anything on the registry host changes, naming the variable."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import CONFIG_DIR, REGISTRY_HOST, inspect, run_role

CASES = {
    "san-without-the-name": ({"registry_tls_subject_alt_names": ["DNS:other.example", "IP:10.0.0.1"]},
                             "registry_tls_subject_alt_names"),
    "san-not-dns-or-ip": ({"registry_tls_subject_alt_names": [f"DNS:{REGISTRY_HOST}", "URI:x"]},
                          "registry_tls_subject_alt_names"),
    "port-70000": ({"registry_port": 70000}, "registry_port must be a port number from 1 to 65535"),
    "port-0": ({"registry_port": 0}, "registry_port must be a port number from 1 to 65535"),
    "auth-without-users": ({"registry_users": []}, "registry_auth is true but registry_users is empty"),
    "auth-empty-password": ({"registry_users": [{"name": "student", "password": ""}]},
                            "registry_users entry needs a non-empty password"),
    "auth-missing-password": ({"registry_users": [{"name": "student"}]}, "registry_users"),
    "user-with-colon": ({"registry_users": [{"name": "a:b", "password": "x"}]}, "registry_users names"),
    "hostname-with-scheme": ({"registry_hostname": "https://registry"}, "registry_hostname must be"),
    "half-a-certificate": ({"registry_tls_certificate": "-----BEGIN CERTIFICATE-----"},
                           "registry_tls_certificate, registry_tls_private_key and registry_tls_ca_certificate"),
    "relative-config-dir": ({"registry_config_dir": "etc/registry"}, "registry_config_dir must be an absolute path"),
    "bad-volume-name": ({"registry_data_volume": "-data"}, "registry_data_volume"),
}


def _state(registry: Any) -> tuple[str, str]:
    files = registry.check_output(f"find {CONFIG_DIR} -type f -exec sha256sum {{}} + | sort")
    return inspect(registry, "registry")["Id"], files


@pytest.fixture(scope="module")
def results(registry: Any) -> dict[str, Any]:
    before = _state(registry)
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcome = dict(zip(CASES, pool.map(lambda case: run_role(case[0]), CASES.values()), strict=True))
    assert _state(registry) == before, "a failed run changed the registry host"
    return outcome


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_naming_the_variable(results: dict[str, Any], case: str) -> None:
    result = results[case]
    assert result.rc != 0
    assert CASES[case][1] in result.output, result.output[-2000:]
    assert "changed=0" in result.output
