"""Bad input fails before anything on the registry host changes, naming the variable."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import CONFIG_DIR, PASSWORD, REGISTRY_HOST, inspect, run_role

# A certificate's armour around bytes that are no certificate.
GARBAGE = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
# Each case: the variables over the scenario's (authentication on, user student), and the
# messages the run must fail with (plugins/filter/registry.py; the last but one from argument_specs).
CASES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "san-without-the-name": (
        {"registry_tls_subject_alt_names": ["DNS:other.example", "IP:10.0.0.1"]},
        [f'registry_tls_subject_alt_names ["DNS:other.example", "IP:10.0.0.1"] does not include DNS:{REGISTRY_HOST} '
         "(registry_hostname): clients reaching the registry by that name would refuse its certificate"],
    ),
    "san-not-dns-or-ip": (
        {"registry_tls_subject_alt_names": [f"DNS:{REGISTRY_HOST}", "URI:x"]},
        ['registry_tls_subject_alt_names entries must be DNS:<name> or IP:<address>, these are not: ["URI:x"]'],
    ),
    "port-70000": ({"registry_port": 70000}, ["registry_port must be a port number from 1 to 65535, got 70000"]),
    "port-0": ({"registry_port": 0}, ["registry_port must be a port number from 1 to 65535, got 0"]),
    "bind-address-name": (
        {"registry_bind_address": "localhost"},
        ['registry_bind_address must be an IPv4 address such as 0.0.0.0 or 127.0.0.1, got "localhost"'],
    ),
    "hostname-with-scheme": (
        {"registry_hostname": "https://registry"},
        ["registry_hostname must be the DNS name or IPv4 address clients use for the registry (no scheme, "
         'no port: the port is registry_port), got "https://registry"'],
    ),
    "auth-without-users": (
        {"registry_users": []},
        ["registry_auth is true but registry_users is empty: give at least one user with a password"],
    ),
    "auth-empty-password": (
        {"registry_users": [{"name": "student", "password": PASSWORD}, {"name": "teacher", "password": ""}]},
        ['registry_users entries need a non-empty password; these have none: ["teacher"]'],
    ),
    "user-with-colon": (
        {"registry_users": [{"name": "a:b", "password": "x"}]},
        ["registry_users[0].name must be a login name (a letter or digit, then letters, digits, _ . @ -; "
         "no ':' and no spaces), got \"a:b\""],
    ),
    "half-a-certificate": (
        {"registry_tls_certificate": GARBAGE},
        ["registry_tls_certificate, registry_tls_private_key and registry_tls_ca_certificate go together: "
         "give all three (your own certificate) or none (the role generates a lab CA)"],
    ),
    "garbage-certificate": (
        {"registry_tls_certificate": GARBAGE, "registry_tls_private_key": "not a key",
         "registry_tls_ca_certificate": GARBAGE},
        ["registry_tls_certificate is not a certificate in PEM that can be read (-----BEGIN CERTIFICATE----- ...)",
         "registry_tls_ca_certificate is not a certificate in PEM that can be read (-----BEGIN CERTIFICATE----- ...)",
         "registry_tls_private_key is not a private key in PEM that can be read (PKCS#8, RSA or EC)"],
    ),
    "relative-config-dir": (
        {"registry_config_dir": "etc/registry"},
        ['registry_config_dir must be an absolute path other than /, got "etc/registry"'],
    ),
    "bad-volume-name": (
        {"registry_data_volume": "-data"},
        ['registry_data_volume must be a Docker object name (a letter or digit, then letters, digits, _ . -), '
         'got "-data"'],
    ),
    "upper-case-image": (
        {"registry_image": "Registry:2"},
        ['registry_image "Registry:2" is not an image reference ([registry/]name[:tag][@digest], lower-case name)'],
    ),
    "zero-valid-days": (
        {"registry_tls_valid_days": 0},
        ["registry_tls_valid_days must be a whole number from 1 to 99999 (days), got 0"],
    ),
    # Refused by argument_specs (required: true) before tasks/validate.yml runs.
    "auth-missing-password": (
        {"registry_users": [{"name": "student"}]},
        ["missing required arguments: password found in registry_users"],
    ),
}


def _failure_messages(output: str) -> list[str]:
    """The msg of every failed task in a run with result_format=json."""
    messages: list[str] = []
    decoder, marker = json.JSONDecoder(), "FAILED! => "
    at = output.find(marker)
    while at >= 0:
        result, _ = decoder.raw_decode(output, at + len(marker))
        messages.append(str(result.get("msg", "")))
        at = output.find(marker, at + len(marker))
    return messages


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
def test_bad_input_fails_with_its_message(results: dict[str, Any], case: str) -> None:
    result = results[case]
    assert result.rc != 0
    failed = _failure_messages(result.output)
    assert len(failed) == 1, result.output[-2000:]
    for message in CASES[case][1]:
        assert message in failed[0], failed[0]
    assert "changed=0" in result.output
    assert PASSWORD not in result.output
