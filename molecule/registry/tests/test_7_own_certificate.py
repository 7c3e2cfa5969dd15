"""A user-supplied certificate: served as given; a wrong one is refused before any change;
state absent removes that registry again."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import REGISTRY_HOST, run_role

OWN = {
    "registry_container_name": "registry-own",
    "registry_data_volume": "registry-own-data",
    "registry_config_dir": "/etc/dockyard/registry-own",
    "registry_port": 5002,
    "registry_auth": False,
}
WORK = "/root/own-pki"


def _issue(host: Any, name: str, san: str) -> str:
    """A leaf certificate for `san`, signed by the test's own CA (openssl on the registry host)."""
    host.check_output(
        f"openssl req -new -newkey rsa:2048 -nodes -keyout {WORK}/{name}.key -subj /CN={name} -out {WORK}/{name}.csr"
    )
    host.check_output(
        f"printf 'subjectAltName={san}\\nextendedKeyUsage=serverAuth\\n' > {WORK}/{name}.ext && "
        f"openssl x509 -req -in {WORK}/{name}.csr -CA {WORK}/ca.crt -CAkey {WORK}/ca.key -CAcreateserial "
        f"-days 30 -extfile {WORK}/{name}.ext -out {WORK}/{name}.crt"
    )
    return str(host.file(f"{WORK}/{name}.crt").content_string)


@pytest.fixture(scope="module")
def pki(registry: Any) -> dict[str, str]:
    registry.check_output(f"rm -rf {WORK} && mkdir -p {WORK}")
    registry.check_output(
        f"openssl req -x509 -newkey rsa:2048 -nodes -keyout {WORK}/ca.key -subj '/CN=Own test CA' "
        f"-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign "
        f"-days 30 -out {WORK}/ca.crt"
    )
    good = _issue(registry, "good", f"DNS:{REGISTRY_HOST}")
    wrong = _issue(registry, "wrong", "DNS:elsewhere.example")
    return {
        "ca": registry.file(f"{WORK}/ca.crt").content_string,
        "good": good,
        "good_key": registry.file(f"{WORK}/good.key").content_string,
        "wrong": wrong,
        "wrong_key": registry.file(f"{WORK}/wrong.key").content_string,
    }


def test_a_certificate_without_the_name_is_refused_before_any_change(registry: Any, pki: dict[str, str]) -> None:
    result = run_role({**OWN, "registry_tls_certificate": pki["wrong"], "registry_tls_private_key": pki["wrong_key"],
                       "registry_tls_ca_certificate": pki["ca"]})
    assert result.rc != 0
    assert "registry_tls_certificate must name DNS:" + REGISTRY_HOST in result.output, result.output[-2000:]
    assert pki["wrong_key"].strip().splitlines()[1] not in result.output
    assert not registry.file(OWN["registry_config_dir"]).exists


def test_a_key_of_another_certificate_is_refused(registry: Any, pki: dict[str, str]) -> None:
    result = run_role({**OWN, "registry_tls_certificate": pki["good"], "registry_tls_private_key": pki["wrong_key"],
                       "registry_tls_ca_certificate": pki["ca"]})
    assert result.rc != 0
    assert "registry_tls_private_key must be the certificate's key" in result.output, result.output[-2000:]
    assert not registry.file(OWN["registry_config_dir"]).exists


def test_the_given_certificate_is_served(registry: Any, pki: dict[str, str]) -> None:
    given = {**OWN, "registry_tls_certificate": pki["good"], "registry_tls_private_key": pki["good_key"],
             "registry_tls_ca_certificate": pki["ca"]}
    result = run_role(given)
    assert result.rc == 0, result.output[-3000:]
    assert pki["good_key"].strip().splitlines()[1] not in result.output
    assert not registry.file("/etc/dockyard/registry-own/tls/ca.key").exists
    key = registry.file("/etc/dockyard/registry-own/tls/registry.key")
    assert key.mode == 0o600
    # Verified against the given CA, by the registry's name (resolved to itself here).
    out = registry.check_output(
        f"curl -sS --cacert {WORK}/ca.crt --resolve {REGISTRY_HOST}:5002:127.0.0.1 https://{REGISTRY_HOST}:5002/v2/"
    )
    assert out.strip() == "{}"
    again = run_role(given)
    assert again.rc == 0 and again.changed() == 0, again.output[-3000:]


def test_state_absent_removes_the_registry_and_its_data(registry: Any) -> None:
    result = run_role({**OWN, "registry_state": "absent", "registry_remove_data": True})
    assert result.rc == 0, result.output[-3000:]
    assert registry.run("docker inspect registry-own").rc != 0
    assert registry.run("docker volume inspect registry-own-data").rc != 0
    assert not registry.file(OWN["registry_config_dir"]).exists
    # The scenario's own registry is untouched.
    assert registry.check_output("docker inspect --format '{{.State.Running}}' registry") == "true"
    registry.run(f"rm -rf {WORK}")
