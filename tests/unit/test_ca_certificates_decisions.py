"""The ca_certificates role's decisions on three inputs users hand it, each asserted on its whole message.

- several certificates in one entry (a PEM bundle of CAs): refused, one CA per entry, whatever
  the other settings say (README "Validation", rule 3);
- a client key that is not the client certificate's: refused, naming the entry and the key;
- an expired certificate: ca_certificates_expired decides. `fail` (the role's default) refuses
  it with its expiry date, `warn` and `allow` accept it and mark the entry expired (the role's
  warning task reads that mark).

The Molecule scenario (molecule/ca_certificates) proves the wiring on a host: nothing written
on a refusal, the expired CA in the store with and without the warning.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.dockyard.lab.plugins.filter.ca_certificates import (
    ca_certificates_certificate_errors,
    ca_certificates_entries,
    ca_certificates_input_errors,
)
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from test_ca_certificates_filters import Pki, _certificate, _key, certs, make_pki

ROLE = Path(__file__).resolve().parents[2] / "roles" / "ca_certificates"


def not_after(pem: str) -> str:
    """The expiry as the role prints it (YYYYmmddHHMMSSZ), read independently of the filter."""
    certificate = x509.load_pem_x509_certificate(pem.encode())
    return certificate.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ")


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def second_ca() -> str:
    return _certificate("second-ca", _key(), ca=True)


# --- several certificates in one entry ----------------------------------------------------------


def test_a_bundle_of_two_cas_is_refused(pki: Pki, second_ca: str) -> None:
    bundle = pki.ca + second_ca
    entry = {"name": "bundle", "content": bundle, "docker_registries": ["r.lab:5000"]}
    assert certs(pki, [entry], [bundle]) == [
        "ca_certificates_list entry 'bundle': holds 2 certificates: give one per entry"
    ]


@pytest.mark.parametrize(
    "settings",
    [{"require_ca": False}, {"expired": "allow"}, {"require_ca": False, "expired": "warn"}],
    ids=["require_ca false", "expired allow", "both"],
)
def test_a_bundle_is_refused_whatever_the_other_settings(pki: Pki, second_ca: str, settings: dict[str, Any]) -> None:
    bundle = f"# lab CAs\n{pki.ca}\n{second_ca}\n"
    entry = {"name": "bundle", "content": bundle, "system_store": False, "docker_registries": ["r.lab"]}
    assert certs(pki, [entry], [bundle], **settings) == [
        "ca_certificates_list entry 'bundle': holds 2 certificates: give one per entry"
    ]


def test_the_same_two_cas_as_two_entries_pass(pki: Pki, second_ca: str) -> None:
    entries = [{"name": "first", "content": pki.ca}, {"name": "second", "content": second_ca}]
    assert certs(pki, entries, [pki.ca, second_ca]) == []
    assert [e["pem"] for e in ca_certificates_entries(entries, [pki.ca, second_ca])] == [
        pki.ca.strip() + "\n",
        second_ca.strip() + "\n",
    ]


def test_only_the_bundle_entry_is_named(pki: Pki, second_ca: str) -> None:
    bundle = pki.ca + second_ca
    entries = [{"name": "good", "content": pki.ca}, {"name": "bundle", "content": bundle}]
    assert certs(pki, entries, [pki.ca, bundle]) == [
        "ca_certificates_list entry 'bundle': holds 2 certificates: give one per entry"
    ]


# --- a client key that does not match its client certificate ------------------------------------


def _with_client(pki: Pki, client_key: str) -> list[str]:
    entry = {
        "name": "registry-ca",
        "content": pki.ca,
        "docker_registries": ["registry.lab:5000"],
        "client_cert": pki.client,
        "client_key": client_key,
    }
    return certs(pki, [entry], [pki.ca])


MISMATCH = (
    "ca_certificates_list entry 'registry-ca': client_key does not belong to client_cert (their public keys differ)"
)


def test_a_client_key_of_another_ec_key_is_refused(pki: Pki) -> None:
    assert _with_client(pki, pki.other_key) == [MISMATCH]


def test_the_ca_key_in_place_of_the_client_key_is_refused(pki: Pki) -> None:
    # A likely slip: the key of the CA that signed the client certificate.
    assert _with_client(pki, pki.ca_key) == [MISMATCH]


def test_a_client_key_of_another_type_is_refused(pki: Pki) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    assert _with_client(pki, pem) == [MISMATCH]


def test_the_matching_client_key_passes(pki: Pki) -> None:
    assert _with_client(pki, pki.client_key) == []


def test_a_mismatched_pair_passes_the_structural_check() -> None:
    # The structural check passes: the pair is complete and has registries; only the key check refuses it.
    entry = {"name": "ca", "content": "x", "docker_registries": ["r.lab"], "client_cert": "c", "client_key": "k"}
    assert ca_certificates_input_errors([entry]) == []


# --- an expired certificate ----------------------------------------------------------------------


def test_the_role_default_is_fail() -> None:
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())
    option = specs["argument_specs"]["main"]["options"]["ca_certificates_expired"]
    assert defaults["ca_certificates_expired"] == option["default"] == "fail"
    assert option["choices"] == ["fail", "warn", "allow"]


def test_an_expired_ca_is_refused_by_default_with_its_date(pki: Pki) -> None:
    entries = [{"name": "old", "content": pki.expired_ca}]
    # No policy given: the filter's default, the same as the role's.
    messages = ca_certificates_certificate_errors(entries, [pki.expired_ca])
    assert messages == [
        f"ca_certificates_list entry 'old': expired on {not_after(pki.expired_ca)} (ca_certificates_expired: fail)"
    ]


@pytest.mark.parametrize("policy", ["warn", "allow"])
def test_an_expired_ca_is_accepted_and_marked_with_warn_or_allow(pki: Pki, policy: str) -> None:
    entries = [{"name": "old", "content": pki.expired_ca}, {"name": "current", "content": pki.ca}]
    assert certs(pki, entries, [pki.expired_ca, pki.ca], expired=policy) == []
    old, current = ca_certificates_entries(entries, [pki.expired_ca, pki.ca])
    assert (old["expired"], old["not_after"]) == (True, not_after(pki.expired_ca))
    assert old["pem"] == pki.expired_ca.strip() + "\n"
    assert (current["expired"], current["not_after"]) == (False, not_after(pki.ca))


def test_a_ca_that_expired_just_now_is_refused() -> None:
    key = _key()
    just = _certificate("just-expired", key, ca=True, days=(-2, 0))
    assert datetime.strptime(not_after(just), "%Y%m%d%H%M%SZ").replace(tzinfo=UTC) <= datetime.now(UTC)
    assert ca_certificates_certificate_errors([{"name": "just", "content": just}], [just]) == [
        f"ca_certificates_list entry 'just': expired on {not_after(just)} (ca_certificates_expired: fail)"
    ]


def test_an_expired_leaf_reports_both_problems() -> None:
    expired_leaf = _certificate("old-leaf", _key(), ca=False, days=(-60, -30))
    messages = ca_certificates_certificate_errors([{"name": "old-leaf", "content": expired_leaf}], [expired_leaf])
    assert messages == [
        "ca_certificates_list entry 'old-leaf': is not a CA certificate (no basicConstraints CA:TRUE; "
        "subject CN=old-leaf,O=Lab): install the CA that signed it, or set require_ca: false on the entry to "
        "trust this very certificate",
        f"ca_certificates_list entry 'old-leaf': expired on {not_after(expired_leaf)} (ca_certificates_expired: fail)",
    ]
