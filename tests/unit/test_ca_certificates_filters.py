"""The ca_certificates filters (plugins/filter/ca_certificates.py): each rule valid, invalid and at its edge.

The certificates and keys are made here with cryptography (EC P-256: fast). Every call goes
through `inputs()` or `certs()`, which also check that each message names its entry first and
that no message holds key material or certificate text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ansible_collections.dockyard.lab.plugins.filter.ca_certificates import (
    FilterModule,
    ca_certificates_certificate_errors,
    ca_certificates_entries,
    ca_certificates_input_errors,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PREFIX = re.compile(r"ca_certificates_list entry '[^']+': ")
SHA256 = "sha256:" + "ab" * 32
URL = "http://pki.lab.test/root-ca.crt"


@dataclass(frozen=True)
class Pki:
    ca: str
    ca_key: str
    leaf: str
    expired_ca: str
    client: str
    client_key: str
    other_key: str
    encrypted_key: str


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey, password: bytes | None = None) -> str:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, common_name), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Lab")]
    )


def _certificate(
    common_name: str,
    key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    issuer: tuple[str, ec.EllipticCurvePrivateKey] | None = None,
    days: tuple[int, int] = (-1, 365),
) -> str:
    now = datetime.now(UTC)
    issuer_name, issuer_key = (_name(issuer[0]), issuer[1]) if issuer else (_name(common_name), key)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def make_pki() -> Pki:
    """A CA, a leaf and a client certificate it signed, an expired CA, and keys (the `pki` fixture)."""
    ca_key, leaf_key, expired_key, client_key, other_key = (_key() for _ in range(5))
    return Pki(
        ca=_certificate("lab-root-ca", ca_key, ca=True),
        ca_key=_key_pem(ca_key),
        leaf=_certificate("server.lab.test", leaf_key, ca=False, issuer=("lab-root-ca", ca_key)),
        expired_ca=_certificate("old-ca", expired_key, ca=True, days=(-60, -30)),
        client=_certificate("client", client_key, ca=False, issuer=("lab-root-ca", ca_key)),
        client_key=_key_pem(client_key),
        other_key=_key_pem(other_key),
        encrypted_key=_key_pem(client_key, b"secret"),
    )


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


def _secret_lines(pki: Pki) -> list[str]:
    """A line of each key's and certificate's base64 body: none of them may appear in a message."""
    texts = (pki.ca_key, pki.client_key, pki.other_key, pki.encrypted_key, pki.ca, pki.leaf, pki.client)
    return [text.splitlines()[1] for text in texts]


def _clean(pki: Pki, messages: list[str], entry_messages: bool = True) -> list[str]:
    for message in messages:
        if entry_messages:
            assert PREFIX.match(message), message
        for line in _secret_lines(pki):
            assert line not in message, message
        assert "PRIVATE KEY-----" not in message.replace("-----BEGIN CERTIFICATE-----", ""), message
    return messages


def inputs(pki: Pki, *entries: Any) -> list[str]:
    return _clean(pki, ca_certificates_input_errors(list(entries)))


def certs(
    pki: Pki, entries: Sequence[Mapping[str, Any]], texts: Sequence[Any], require_ca: Any = True, expired: Any = "fail"
) -> list[str]:
    assert ca_certificates_input_errors(list(entries)) == []
    return _clean(pki, ca_certificates_certificate_errors(entries, texts, require_ca, expired))


def one(messages: list[str], fragment: str, name: str) -> None:
    assert messages == [f"ca_certificates_list entry '{name}': {fragment}"] or (
        len(messages) == 1
        and messages[0].startswith(f"ca_certificates_list entry '{name}': ")
        and fragment in messages[0]
    ), messages


# --- ca_certificates_input_errors -------------------------------------------------------------


def test_filters_are_registered() -> None:
    assert set(FilterModule().filters()) == {
        "ca_certificates_input_errors",
        "ca_certificates_certificate_errors",
        "ca_certificates_entries",
    }


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "lab-root-ca", "content": "<pem>"},
        {"name": "lab.src_ca", "src": "files/ca.crt", "docker_registries": ["registry.lab:5000"]},
        {"name": "u256", "url": URL, "checksum": SHA256},
        {"name": "u384", "url": URL, "checksum": "sha384:" + "0" * 96},
        {"name": "u512", "url": URL, "checksum": "SHA512:" + "F" * 128},
        {"name": "gone", "state": "absent"},
        {"name": "gone-docker", "state": "absent", "system_store": False, "docker_registries": ["r.lab"]},
        {"name": "certs-d-only", "content": "<pem>", "system_store": "no", "docker_registries": ["[fd00::1]:5000"]},
        {"name": "a" * 64, "content": "<pem>", "require_ca": "false", "system_store": None, "docker_registries": None},
    ],
    ids=lambda e: e["name"][:20],
)
def test_valid_entries_pass(pki: Pki, entry: dict[str, Any]) -> None:
    assert inputs(pki, entry) == []


def test_an_empty_list_passes(pki: Pki) -> None:
    assert inputs(pki) == []


def test_a_list_that_is_not_a_list_is_refused_without_showing_it(pki: Pki) -> None:
    messages = ca_certificates_input_errors(pki.ca)
    assert messages == ["ca_certificates_list must be a list of entries, got str"]


def test_an_entry_that_is_not_a_mapping_is_named_by_index(pki: Pki) -> None:
    one(inputs(pki, {"name": "ok", "content": "x"}, pki.ca), "must be a mapping", "#1")


@pytest.mark.parametrize("name", ["lab/../../etc/evil", "-dash", ".hidden", "a" * 65, "has space", "ca.crt\n"])
def test_unsafe_names_are_refused(pki: Pki, name: str) -> None:
    one(inputs(pki, {"name": name, "content": "x"}), "name must be 1 to 64 letters, digits", name)


@pytest.mark.parametrize("name", [None, "", 42])
def test_a_missing_or_odd_name_is_named_by_index(pki: Pki, name: Any) -> None:
    one(inputs(pki, {"content": "x"} if name is None else {"name": name, "content": "x"}), "name must be", "#0")


def test_a_duplicate_name_is_refused_on_each_entry(pki: Pki) -> None:
    messages = inputs(
        pki, {"name": "ca", "content": "x"}, {"name": "other", "content": "x"}, {"name": "ca", "state": "absent"}
    )
    assert messages == ["ca_certificates_list entry 'ca': name is used by more than one entry"] * 2


@pytest.mark.parametrize(
    ("extra", "found"),
    [
        ({}, "none"),
        ({"content": "x", "src": "f"}, "content, src"),
        ({"content": "x", "src": "f", "url": URL}, "content, src, url"),
    ],
)
def test_a_present_entry_needs_exactly_one_source(pki: Pki, extra: dict[str, Any], found: str) -> None:
    messages = inputs(pki, {"name": "ca", **extra})
    assert f"ca_certificates_list entry 'ca': give exactly one of content, src or url (found: {found})" in messages


def test_an_empty_src_or_url_is_refused(pki: Pki) -> None:
    one(inputs(pki, {"name": "ca", "src": ""}), 'src must be a non-empty string, got ""', "ca")
    assert inputs(pki, {"name": "ca", "url": " ", "checksum": SHA256})[0].endswith(
        'url must be a non-empty string, got " "'
    )


def test_content_of_the_wrong_type_is_refused_without_showing_it(pki: Pki) -> None:
    one(inputs(pki, {"name": "ca", "content": {"pem": pki.ca_key}}), "content must be PEM text, got dict", "ca")


def test_url_needs_a_checksum(pki: Pki) -> None:
    one(inputs(pki, {"name": "ca", "url": URL}), "url needs a checksum, e.g. sha256:<hex>", "ca")


@pytest.mark.parametrize(
    "checksum",
    [
        "md5:" + "0" * 32,
        "sha1:" + "0" * 40,
        "sha256:" + "0" * 63,
        "sha256:" + "0" * 65,
        "sha256:" + "g" * 64,
        "0" * 64,
        "sha256:",
        5,
    ],
)
def test_a_malformed_checksum_is_refused(pki: Pki, checksum: Any) -> None:
    one(inputs(pki, {"name": "ca", "url": URL, "checksum": checksum}), "checksum must be <algorithm>:<hex>", "ca")


def test_a_checksum_without_url_is_refused(pki: Pki) -> None:
    one(inputs(pki, {"name": "ca", "content": "x", "checksum": SHA256}), "checksum is only used with url", "ca")


@pytest.mark.parametrize(
    "registry", ["https://registry.lab", "registry.lab/v2", "registry.lab:99999", "-bad", "", 5000, "[nothost]:1"]
)
def test_a_registry_that_is_not_host_port_is_refused(pki: Pki, registry: Any) -> None:
    one(
        inputs(pki, {"name": "ca", "content": "x", "docker_registries": [registry]}),
        "is not host or host:port (no scheme, no path)",
        "ca",
    )


def test_registries_given_as_a_string_are_refused(pki: Pki) -> None:
    one(
        inputs(pki, {"name": "ca", "content": "x", "docker_registries": "r.lab"}),
        "docker_registries must be a list",
        "ca",
    )


@pytest.mark.parametrize("missing", ["client_cert", "client_key"])
def test_client_cert_and_key_go_together(pki: Pki, missing: str) -> None:
    entry = {
        "name": "ca",
        "content": "x",
        "docker_registries": ["r.lab"],
        "client_cert": pki.client,
        "client_key": pki.client_key,
    }
    del entry[missing]
    one(inputs(pki, entry), "client_cert and client_key go together", "ca")


def test_a_client_pair_needs_registries(pki: Pki) -> None:
    entry = {"name": "ca", "content": "x", "client_cert": pki.client, "client_key": pki.client_key}
    one(inputs(pki, entry), "client_cert and client_key need docker_registries", "ca")


def test_an_entry_that_installs_nowhere_is_refused(pki: Pki) -> None:
    one(inputs(pki, {"name": "ca", "content": "x", "system_store": False}), "installs nowhere", "ca")
    one(
        inputs(pki, {"name": "ca", "content": "x", "system_store": "no", "docker_registries": []}),
        "installs nowhere",
        "ca",
    )


def test_a_registry_named_by_two_entries_is_refused(pki: Pki) -> None:
    messages = inputs(
        pki,
        {"name": "a", "content": "x", "docker_registries": ["r.lab:5000"]},
        {"name": "b", "content": "x", "docker_registries": ["other.lab"]},
        {"name": "c", "state": "absent", "docker_registries": ["r.lab:5000"]},
    )
    assert messages == [
        "ca_certificates_list entry 'c': docker_registries item \"r.lab:5000\" is also named by "
        "ca_certificates_list entry 'a': a registry's certs.d holds one CA (ca.crt), keep one entry per registry"
    ]


def test_a_registry_listed_twice_in_one_entry_is_refused(pki: Pki) -> None:
    messages = inputs(pki, {"name": "a", "content": "x", "docker_registries": ["r.lab", "r.lab"]})
    assert messages == ["ca_certificates_list entry 'a': docker_registries lists \"r.lab\" more than once"]


def test_bad_state_and_flags_are_refused(pki: Pki) -> None:
    messages = inputs(pki, {"name": "a", "content": "x", "state": "gone", "system_store": "maybe", "require_ca": 7})
    assert messages == [
        "ca_certificates_list entry 'a': state must be present or absent, got \"gone\"",
        "ca_certificates_list entry 'a': system_store must be true or false, got \"maybe\"",
        "ca_certificates_list entry 'a': require_ca must be true or false, got 7",
    ]


def test_every_problem_of_an_entry_is_reported(pki: Pki) -> None:
    entry = {"name": "bad/name", "content": "x", "url": URL, "docker_registries": ["a b"], "client_key": pki.client_key}
    messages = inputs(pki, entry)
    assert len(messages) == 5, messages


# --- ca_certificates_certificate_errors and ca_certificates_entries -----------------------------


def test_a_ca_passes_and_becomes_a_normalised_entry(pki: Pki) -> None:
    entries = [{"name": "root", "content": "junk before\n" + pki.ca + "junk after", "docker_registries": ["r.lab"]}]
    texts = [entries[0]["content"]]
    assert certs(pki, entries, texts) == []
    (entry,) = ca_certificates_entries(entries, texts)
    assert entry == {
        "name": "root",
        "state": "present",
        "system_store": True,
        "docker_registries": ["r.lab"],
        "pem": pki.ca.strip() + "\n",
        "client_cert": "",
        "expired": False,
        "not_after": entry["not_after"],
    }
    assert re.fullmatch(r"\d{14}Z", entry["not_after"])
    assert datetime.strptime(entry["not_after"], "%Y%m%d%H%M%SZ").year == (datetime.now(UTC) + timedelta(days=365)).year


def test_absent_entries_are_not_read(pki: Pki) -> None:
    entries = [{"name": "old", "state": "absent", "system_store": "false", "docker_registries": ["r.lab"]}]
    assert certs(pki, entries, [None]) == []
    assert ca_certificates_entries(entries, [None]) == [
        {
            "name": "old",
            "state": "absent",
            "system_store": False,
            "docker_registries": ["r.lab"],
            "pem": "",
            "client_cert": "",
            "expired": False,
            "not_after": "",
        }
    ]


@pytest.mark.parametrize("count", [2, 3])
def test_several_certificates_in_one_entry_are_refused(pki: Pki, count: int) -> None:
    text = "\n".join([pki.ca, pki.leaf, pki.expired_ca][:count])
    one(
        certs(pki, [{"name": "bundle", "content": text}], [text]),
        f"holds {count} certificates: give one per entry",
        "bundle",
    )


@pytest.mark.parametrize("text", ["this is not a certificate\n", "", "<a PEM block of another kind>"])
def test_text_without_a_certificate_is_refused(pki: Pki, text: str) -> None:
    text = pki.other_key.replace("PRIVATE KEY", "PUBLIC KEY") if text.startswith("<") else text
    one(
        certs(pki, [{"name": "g", "content": text}], [text]),
        "no PEM certificate (-----BEGIN CERTIFICATE-----) found",
        "g",
    )


def test_garbage_inside_pem_armour_is_refused(pki: Pki) -> None:
    text = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
    one(certs(pki, [{"name": "armour", "content": text}], [text]), "does not parse as an X.509 certificate", "armour")


def test_a_private_key_in_the_certificate_text_is_refused(pki: Pki) -> None:
    text = pki.ca + pki.ca_key
    messages = certs(pki, [{"name": "with-key", "content": text}], [text])
    one(messages, "the certificate text contains a private key", "with-key")


def test_a_leaf_is_refused_where_a_ca_is_required(pki: Pki) -> None:
    messages = certs(pki, [{"name": "leaf", "content": pki.leaf}], [pki.leaf])
    one(messages, "is not a CA certificate (no basicConstraints CA:TRUE; subject CN=server.lab.test,O=Lab)", "leaf")


def test_a_leaf_passes_with_require_ca_false_on_the_entry_or_the_role(pki: Pki) -> None:
    assert certs(pki, [{"name": "leaf", "content": pki.leaf, "require_ca": False}], [pki.leaf]) == []
    assert certs(pki, [{"name": "leaf", "content": pki.leaf}], [pki.leaf], require_ca=False) == []
    # The entry's own setting wins over the role's.
    assert (
        len(certs(pki, [{"name": "leaf", "content": pki.leaf, "require_ca": "yes"}], [pki.leaf], require_ca=False)) == 1
    )


def test_an_expired_ca_is_refused_with_expired_fail(pki: Pki) -> None:
    messages = certs(pki, [{"name": "old", "content": pki.expired_ca}], [pki.expired_ca], expired="fail")
    one(messages, "(ca_certificates_expired: fail)", "old")
    assert re.search(r"expired on \d{14}Z ", messages[0]), messages


@pytest.mark.parametrize("policy", ["warn", "allow"])
def test_an_expired_ca_passes_with_warn_or_allow_and_is_marked(pki: Pki, policy: str) -> None:
    entries = [{"name": "old", "content": pki.expired_ca}]
    assert certs(pki, entries, [pki.expired_ca], expired=policy) == []
    (entry,) = ca_certificates_entries(entries, [pki.expired_ca])
    assert entry["expired"] is True
    assert datetime.strptime(entry["not_after"], "%Y%m%d%H%M%SZ").replace(tzinfo=UTC) < datetime.now(UTC)


def test_an_unknown_expired_policy_is_refused(pki: Pki) -> None:
    messages = ca_certificates_certificate_errors([], [], True, "ignore")
    assert messages == ['ca_certificates_expired must be fail, warn or allow, got "ignore"']


def test_a_url_with_the_right_checksum_passes(pki: Pki) -> None:
    for algorithm in ("sha256", "sha384", "sha512"):
        digest = hashlib.new(algorithm, pki.ca.encode()).hexdigest()
        entry = {"name": "u", "url": URL, "checksum": f"{algorithm.upper()}:{digest.upper()}"}
        assert certs(pki, [entry], [pki.ca]) == [], algorithm


def test_a_wrong_url_checksum_shows_expected_and_got(pki: Pki) -> None:
    got = hashlib.sha256(pki.ca.encode()).hexdigest()
    messages = certs(pki, [{"name": "u", "url": URL, "checksum": "sha256:" + "0" * 64}], [pki.ca])
    assert messages == [
        f"ca_certificates_list entry 'u': checksum mismatch for {URL}: expected sha256:{'0' * 64}, got sha256:{got}"
    ]


def test_an_unreadable_src_names_the_file(pki: Pki) -> None:
    messages = certs(pki, [{"name": "s", "src": "files/missing.crt"}], [None])
    one(messages, 'src "files/missing.crt" could not be read on the controller', "s")


def test_a_matching_client_pair_passes_and_only_the_certificate_is_collected(pki: Pki) -> None:
    entries = [
        {
            "name": "ca",
            "content": pki.ca,
            "docker_registries": ["r.lab:5000"],
            "client_cert": "\n" + pki.client + "\n\n",
            "client_key": pki.client_key,
        }
    ]
    assert certs(pki, entries, [pki.ca]) == []
    (entry,) = ca_certificates_entries(entries, [pki.ca])
    assert entry["client_cert"] == pki.client.strip() + "\n"
    assert all(line not in str(entry) for line in _secret_lines(pki)[:4])


def _client(pki: Pki, cert: str, key: str) -> list[str]:
    entry = {"name": "ca", "content": pki.ca, "docker_registries": ["r.lab"], "client_cert": cert, "client_key": key}
    return certs(pki, [entry], [pki.ca])


def test_a_client_key_of_another_certificate_is_refused(pki: Pki) -> None:
    one(_client(pki, pki.client, pki.other_key), "client_key does not belong to client_cert", "ca")


@pytest.mark.parametrize("case", ["two certificates", "certificate and key", "no certificate"])
def test_a_client_cert_must_be_one_certificate_and_no_key(pki: Pki, case: str) -> None:
    cert = {
        "two certificates": pki.client + pki.ca,
        "certificate and key": pki.client + pki.client_key,
        "no certificate": "x",
    }
    one(_client(pki, cert[case], pki.client_key), "client_cert must be exactly one PEM certificate and no key", "ca")


def test_a_client_key_that_is_no_key_is_refused(pki: Pki) -> None:
    one(_client(pki, pki.client, pki.client), "client_key is not a PEM private key", "ca")


def test_an_encrypted_client_key_is_refused(pki: Pki) -> None:
    one(_client(pki, pki.client, pki.encrypted_key), "client_key is encrypted", "ca")


def test_two_keys_in_client_key_are_refused(pki: Pki) -> None:
    one(_client(pki, pki.client, pki.client_key + pki.other_key), "client_key holds 2 private keys", "ca")


def test_a_damaged_client_key_is_refused_without_quoting_it(pki: Pki) -> None:
    lines = pki.client_key.splitlines()
    damaged = "\n".join([lines[0], lines[1][:20], lines[-1]]) + "\n"
    one(_client(pki, pki.client, damaged), "client_key does not parse as a PEM private key", "ca")


def test_each_entry_is_checked_and_named(pki: Pki) -> None:
    entries = [
        {"name": "good", "content": pki.ca},
        {"name": "leaf", "content": pki.leaf},
        {"name": "gone", "state": "absent"},
        {"name": "old", "content": pki.expired_ca},
    ]
    messages = certs(pki, entries, [pki.ca, pki.leaf, None, pki.expired_ca])
    assert [m.split("'")[1] for m in messages] == ["leaf", "old"]
