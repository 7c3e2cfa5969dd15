"""The registry role's input checks and playbooks/registry.yml's list builders (plugins/filter/registry.py)."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.dockyard.lab.plugins.filter.registry import (
    FilterModule,
    registry_first_host,
    registry_hostname_san,
    registry_input_errors,
    registry_login_hosts,
    registry_trust_entries,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID

TLS_VARIABLES = ("registry_tls_certificate", "registry_tls_private_key", "registry_tls_ca_certificate")
ROLE = Path(__file__).resolve().parents[2] / "roles" / "registry"
HOST = "registry.lab.test"
PASSWORD = "Unit-Test-Secret-4d2e"
DEFAULTS: dict[str, Any] = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
# The role's defaults, as tasks/validate.yml passes them, with a name and a user.
GOOD: dict[str, Any] = {
    **DEFAULTS,
    "registry_hostname": HOST,
    "registry_auth": True,
    "registry_users": [{"name": "student", "password": PASSWORD}],
}
HOSTNAME_MSG = (
    "registry_hostname must be the DNS name or IPv4 address clients use for the registry (no scheme, "
    "no port: the port is registry_port), got {}"
)
SAN_ENTRIES_MSG = "registry_tls_subject_alt_names entries must be DNS:<name> or IP:<address>, these are not: {}"
SAN_MISSING_MSG = (
    "registry_tls_subject_alt_names {} does not include {} (registry_hostname): clients reaching the registry "
    "by that name would refuse its certificate"
)
TOGETHER_MSG = (
    "registry_tls_certificate, registry_tls_private_key and registry_tls_ca_certificate go together: "
    "give all three (your own certificate) or none (the role generates a lab CA)"
)
SANS_ONLY_GENERATED_MSG = (
    "registry_tls_subject_alt_names only applies to the generated certificate; with registry_tls_certificate "
    "the names are those in your certificate"
)
DOCKER_NAME_MSG = "{} must be a Docker object name (a letter or digit, then letters, digits, _ . -), got {}"
IMAGE_MSG = "registry_image {} is not an image reference ([registry/]name[:tag][@digest], lower-case name)"
DAYS_MSG = "{} must be a whole number from 1 to 99999 (days), got {}"
USER_NAME_MSG = (
    "registry_users[{}].name must be a login name (a letter or digit, then letters, digits, _ . @ -; "
    "no ':' and no spaces), got {}"
)
PASSWORD_MSG = "registry_users entries need a non-empty password; these have none: {}"
NOT_A_CA_MSG = "registry_tls_ca_certificate must be a CA certificate (basicConstraints CA:TRUE); {}"
CERT_NAME_MSG = "registry_tls_certificate must name {} (registry_hostname) in its subject alternative names; it has {}"
WRONG_KEY_MSG = (
    "registry_tls_private_key must be the certificate's key (its public key differs from registry_tls_certificate's)"
)
UNREADABLE_CERT_MSG = "{} is not a certificate in PEM that can be read (-----BEGIN CERTIFICATE----- ...)"
UNREADABLE_KEY_MSG = "registry_tls_private_key is not a private key in PEM that can be read (PKCS#8, RSA or EC)"

# --- Certificates, made here with cryptography --------------------------------------------------


def _pem_key(key: CertificateIssuerPrivateKeyTypes, password: bytes | None = None) -> str:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def _certificate(
    subject: str,
    key: CertificateIssuerPrivateKeyTypes,
    issuer: tuple[x509.Certificate, CertificateIssuerPrivateKeyTypes] | None = None,
    names: list[x509.GeneralName] | None = None,
    ca: bool | None = False,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer[0].subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def pki() -> dict[str, str]:
    """PEM texts: a CA, leaves it signed (right name, wrong name, wildcard, IP), their keys, and bad CAs."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Unit test CA", ca_key, ca=True)
    issuer = (ca, ca_key)
    good_key = ec.generate_private_key(ec.SECP256R1())
    other_key = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def leaf(key: CertificateIssuerPrivateKeyTypes, *names: x509.GeneralName) -> str:
        return _pem(_certificate("leaf", key, issuer, list(names)))

    return {
        "ca": _pem(ca),
        "ca_key": _pem_key(ca_key),
        "good": leaf(good_key, x509.DNSName("other.lab.test"), x509.DNSName(HOST)),
        "good_key": _pem_key(good_key),
        "other": leaf(other_key, x509.DNSName("elsewhere.example")),
        "other_key": _pem_key(other_key),
        "no_sans": leaf(good_key),
        "wildcard": leaf(good_key, x509.DNSName("*.lab.test")),
        "too_wild": leaf(good_key, x509.DNSName("*.test")),
        "ip": leaf(good_key, x509.IPAddress(ipaddress.ip_address("10.0.0.5"))),
        "ip_as_dns": leaf(good_key, x509.DNSName("10.0.0.5")),
        "rsa": leaf(rsa_key, x509.DNSName(HOST)),
        "rsa_key_pkcs1": rsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        ).decode(),
        "encrypted_key": _pem_key(good_key, b"passphrase"),
        "not_a_ca": _pem(_certificate("Not a CA", other_key, ca=False)),
        "no_constraints": _pem(_certificate("Old root", other_key, ca=None)),
    }


def _own(pki: dict[str, str], cert: str = "good", key: str = "good_key", ca: str = "ca") -> dict[str, Any]:
    return {
        **GOOD,
        "registry_tls_certificate": pki[cert],
        "registry_tls_private_key": pki[key],
        "registry_tls_ca_certificate": pki[ca],
    }


def _key_lines(pki: dict[str, str]) -> list[str]:
    """The base64 lines of every private key in the fixtures."""
    return [line for name, text in pki.items() if name.endswith("key") for line in text.splitlines()[1:-1]]


# --- The role's variables ------------------------------------------------------------------------


def test_the_role_defaults_with_a_user_pass() -> None:
    assert registry_input_errors(GOOD) == []


@pytest.mark.parametrize(
    "change",
    [
        {"registry_port": 1},
        {"registry_port": 65535},
        {"registry_port": "5000"},  # -e gives strings
        {"registry_bind_address": "127.0.0.1"},
        {"registry_hostname": "10.0.0.5"},
        {"registry_hostname": "registry"},
        {"registry_tls_subject_alt_names": [f"DNS:{HOST}", "DNS:registry", "IP:10.0.0.5", "IP:fd00::1"]},
        {"registry_tls_subject_alt_names": ["DNS:Registry.LAB.test"]},  # DNS names are case-insensitive
        {"registry_hostname": "10.0.0.5", "registry_tls_subject_alt_names": ["IP:10.0.0.5", f"DNS:{HOST}"]},
        {"registry_image": "dockyard/registry:2"},
        {"registry_image": "localhost:5000/registry@sha256:" + "a" * 64},
        {"registry_container_name": "registry_2.own-1"},
        {"registry_config_dir": "/srv/registry/"},
        {"registry_ca_valid_days": 99999, "registry_tls_valid_days": 1},
        {"registry_ca_common_name": "x" * 64},
        {"registry_auth": False, "registry_users": []},
        {"registry_users": [{"name": "a.b@lab-1_x", "password": "p"}, {"name": "b", "password": 1234}]},
        # Nothing is parsed when the registry is removed.
        {"registry_state": "absent", **dict.fromkeys(TLS_VARIABLES, "not PEM")},
    ],
)
def test_valid_edge_values_pass(change: dict[str, Any]) -> None:
    assert registry_input_errors({**GOOD, **change}) == []


@pytest.mark.parametrize(
    ("change", "messages"),
    [
        ({"registry_port": 70000}, ["registry_port must be a port number from 1 to 65535, got 70000"]),
        ({"registry_port": 0}, ["registry_port must be a port number from 1 to 65535, got 0"]),
        ({"registry_port": "50a"}, ['registry_port must be a port number from 1 to 65535, got "50a"']),
        ({"registry_port": True}, ["registry_port must be a port number from 1 to 65535, got true"]),
        (
            {"registry_bind_address": "localhost"},
            ['registry_bind_address must be an IPv4 address such as 0.0.0.0 or 127.0.0.1, got "localhost"'],
        ),
        (
            {"registry_bind_address": "::"},
            ['registry_bind_address must be an IPv4 address such as 0.0.0.0 or 127.0.0.1, got "::"'],
        ),
        ({"registry_hostname": "https://registry"}, [HOSTNAME_MSG.format('"https://registry"')]),
        ({"registry_hostname": f"{HOST}:5000"}, [HOSTNAME_MSG.format(f'"{HOST}:5000"')]),
        ({"registry_hostname": ""}, [HOSTNAME_MSG.format('""')]),
        ({"registry_hostname": "-bad.lab"}, [HOSTNAME_MSG.format('"-bad.lab"')]),
        (
            {"registry_tls_subject_alt_names": ["DNS:other.example", "IP:10.0.0.1"]},
            [SAN_MISSING_MSG.format('["DNS:other.example", "IP:10.0.0.1"]', f"DNS:{HOST}")],
        ),
        (
            {"registry_hostname": "10.0.0.5", "registry_tls_subject_alt_names": ["DNS:10.0.0.5"]},
            [SAN_MISSING_MSG.format('["DNS:10.0.0.5"]', "IP:10.0.0.5")],
        ),
        (
            {"registry_tls_subject_alt_names": [f"DNS:{HOST}", "URI:x", "IP:10.0.0.300", f"dns:{HOST}"]},
            [SAN_ENTRIES_MSG.format(f'["URI:x", "IP:10.0.0.300", "dns:{HOST}"]')],
        ),
        (
            {"registry_tls_subject_alt_names": ["DNS:*.lab.test"]},
            [
                SAN_ENTRIES_MSG.format('["DNS:*.lab.test"]'),
                SAN_MISSING_MSG.format('["DNS:*.lab.test"]', f"DNS:{HOST}"),
            ],
        ),
        (
            {"registry_tls_subject_alt_names": f"DNS:{HOST}"},
            [f'registry_tls_subject_alt_names must be a list, got str "DNS:{HOST}"'],
        ),
        ({"registry_tls_certificate": "-----BEGIN CERTIFICATE-----"}, [TOGETHER_MSG]),
        ({"registry_tls_private_key": "k", "registry_tls_ca_certificate": "c"}, [TOGETHER_MSG]),
        ({"registry_container_name": "-registry"}, [DOCKER_NAME_MSG.format("registry_container_name", '"-registry"')]),
        ({"registry_data_volume": "image store"}, [DOCKER_NAME_MSG.format("registry_data_volume", '"image store"')]),
        ({"registry_image": "Registry:2"}, [IMAGE_MSG.format('"Registry:2"')]),
        ({"registry_image": "https://registry:2"}, [IMAGE_MSG.format('"https://registry:2"')]),
        (
            {"registry_config_dir": "etc/registry"},
            ['registry_config_dir must be an absolute path other than /, got "etc/registry"'],
        ),
        ({"registry_config_dir": "/"}, ['registry_config_dir must be an absolute path other than /, got "/"']),
        ({"registry_ca_valid_days": 0}, [DAYS_MSG.format("registry_ca_valid_days", 0)]),
        ({"registry_tls_valid_days": 100000}, [DAYS_MSG.format("registry_tls_valid_days", 100000)]),
        ({"registry_tls_valid_days": "a year"}, [DAYS_MSG.format("registry_tls_valid_days", '"a year"')]),
        ({"registry_ca_common_name": "  "}, ['registry_ca_common_name must be a non-empty string, got "  "']),
        (
            {"registry_ca_common_name": "x" * 65},
            ["registry_ca_common_name must be at most 64 characters (the X.509 limit), got 65"],
        ),
        (
            {"registry_users": []},
            ["registry_auth is true but registry_users is empty: give at least one user with a password"],
        ),
        ({"registry_users": [{"name": "student", "password": ""}]}, [PASSWORD_MSG.format('["student"]')]),
        ({"registry_users": [{"name": "student"}]}, [PASSWORD_MSG.format('["student"]')]),
        (
            {"registry_users": [{"name": "a", "password": None}, {"name": "b", "password": " "}]},
            [PASSWORD_MSG.format('["a", "b"]')],
        ),
        ({"registry_users": [{"name": "a:b", "password": "x"}]}, [USER_NAME_MSG.format(0, '"a:b"')]),
        (
            {"registry_users": [{"name": "ok", "password": "x"}, {"name": "has space", "password": "x"}]},
            [USER_NAME_MSG.format(1, '"has space"')],
        ),
        ({"registry_users": [{"password": "x"}]}, [USER_NAME_MSG.format(0, "null")]),
        (
            {
                "registry_users": [
                    {"name": "a", "password": "x"},
                    {"name": "b", "password": "y"},
                    {"name": "a", "password": "z"},
                ]
            },
            ['registry_users lists these names more than once: ["a"]'],
        ),
        (
            {"registry_users": f"student:{PASSWORD}"},
            [
                "registry_users must be a list of {name, password} mappings, got str",
                "registry_auth is true but registry_users is empty: give at least one user with a password",
            ],
        ),
        (
            {"registry_users": [f"student:{PASSWORD}"]},
            ["registry_users[0] must be a mapping with name and password, got str"],
        ),
    ],
)
def test_each_bad_input_is_refused_with_its_message(change: dict[str, Any], messages: list[str]) -> None:
    assert registry_input_errors({**GOOD, **change}) == messages


def test_every_problem_is_reported_at_once() -> None:
    errors = registry_input_errors({**GOOD, "registry_port": 0, "registry_image": "", "registry_users": []})
    assert [e.split(" ")[0] for e in errors] == ["registry_port", "registry_image", "registry_auth"]


# --- A given certificate --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "cert", "key"),
    [
        ({}, "good", "good_key"),
        ({}, "wildcard", "good_key"),  # *.lab.test names registry.lab.test
        ({"registry_hostname": "10.0.0.5"}, "ip", "good_key"),
        ({}, "rsa", "rsa_key_pkcs1"),  # an RSA key in the traditional (PKCS#1) format
    ],
)
def test_a_right_certificate_passes(pki: dict[str, str], change: dict[str, Any], cert: str, key: str) -> None:
    assert registry_input_errors({**_own(pki, cert, key), **change}) == []


def test_a_chain_with_an_intermediate_after_the_certificate_passes(pki: dict[str, str]) -> None:
    chain = pki["good"] + pki["ca"]
    assert registry_input_errors({**_own(pki), "registry_tls_certificate": chain}) == []


@pytest.mark.parametrize(
    ("cert", "key", "ca", "change", "messages"),
    [
        ("other", "other_key", "ca", {}, [CERT_NAME_MSG.format(f"DNS:{HOST}", '["DNS:elsewhere.example"]')]),
        ("no_sans", "good_key", "ca", {}, [CERT_NAME_MSG.format(f"DNS:{HOST}", "[]")]),
        ("too_wild", "good_key", "ca", {}, [CERT_NAME_MSG.format(f"DNS:{HOST}", '["DNS:*.test"]')]),
        (
            "ip_as_dns",
            "good_key",
            "ca",
            {"registry_hostname": "10.0.0.5"},
            [CERT_NAME_MSG.format("IP:10.0.0.5", '["DNS:10.0.0.5"]')],
        ),
        ("good", "good_key", "not_a_ca", {}, [NOT_A_CA_MSG.format("it has CA:FALSE")]),
        ("good", "good_key", "no_constraints", {}, [NOT_A_CA_MSG.format("it has no basicConstraints")]),
        ("good", "other_key", "ca", {}, [WRONG_KEY_MSG]),
        (
            "good",
            "encrypted_key",
            "ca",
            {},
            ["registry_tls_private_key is encrypted: the registry needs the key without a passphrase"],
        ),
        (
            "good",
            "good_key",
            "ca",
            {"registry_tls_subject_alt_names": [f"DNS:{HOST}"]},
            [SANS_ONLY_GENERATED_MSG],
        ),
    ],
)
def test_a_wrong_certificate_is_refused_with_its_message(
    pki: dict[str, str], cert: str, key: str, ca: str, change: dict[str, Any], messages: list[str]
) -> None:
    assert registry_input_errors({**_own(pki, cert, key, ca), **change}) == messages


GARBAGE = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"


@pytest.mark.parametrize(
    ("name", "value", "messages"),
    [
        ("registry_tls_certificate", "not a PEM at all", [UNREADABLE_CERT_MSG.format("registry_tls_certificate")]),
        ("registry_tls_certificate", GARBAGE, [UNREADABLE_CERT_MSG.format("registry_tls_certificate")]),
        ("registry_tls_ca_certificate", GARBAGE, [UNREADABLE_CERT_MSG.format("registry_tls_ca_certificate")]),
        ("registry_tls_private_key", "not a key", [UNREADABLE_KEY_MSG]),
        (
            "registry_tls_private_key",
            "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
            [UNREADABLE_KEY_MSG],
        ),
    ],
)
def test_garbage_pem_is_refused_naming_the_variable(
    pki: dict[str, str], name: str, value: str, messages: list[str]
) -> None:
    assert registry_input_errors({**_own(pki), name: value}) == messages


def test_a_private_key_in_a_certificate_variable_is_refused(pki: dict[str, str]) -> None:
    errors = registry_input_errors({**_own(pki), "registry_tls_certificate": pki["good"] + pki["good_key"]})
    assert errors == [
        "registry_tls_certificate holds a private key: give only certificates here (the role writes them readable "
        "by all; the server's key belongs in registry_tls_private_key)"
    ]


def test_no_message_shows_a_password_or_key_material(pki: dict[str, str]) -> None:
    inputs: list[dict[str, Any]] = [
        {**GOOD, "registry_users": [{"name": "a:b", "password": PASSWORD}, {"name": "a:b", "password": PASSWORD}]},
        {**GOOD, "registry_users": f"student:{PASSWORD}"},
        {**GOOD, "registry_users": [{"name": "x", "password": PASSWORD}, f"y:{PASSWORD}", [PASSWORD]]},
        {**GOOD, "registry_tls_private_key": pki["good_key"]},
        {**_own(pki, "other", "good_key", "not_a_ca"), "registry_hostname": "bad host"},
        {**_own(pki), "registry_tls_certificate": pki["good_key"], "registry_tls_ca_certificate": pki["ca_key"]},
        {**_own(pki), "registry_tls_private_key": pki["good_key"].replace("\n", "x", 3)},
        {**_own(pki, "good", "encrypted_key")},
    ]
    secrets = [PASSWORD, "PRIVATE KEY", *_key_lines(pki)]
    for given in inputs:
        errors = registry_input_errors(given)
        assert errors, given
        for message in errors:
            assert not [s for s in secrets if s in message], message


# --- Helpers for vars/main.yml and playbooks/registry.yml -----------------------------------------


@pytest.mark.parametrize(
    ("hostname", "san"),
    [("registry.lab.test", "DNS:registry.lab.test"), ("10.0.0.5", "IP:10.0.0.5"), ("registry", "DNS:registry")],
)
def test_hostname_san(hostname: str, san: str) -> None:
    assert registry_hostname_san(hostname) == san


def _published(name: str, address: str | None, ca: str | None, auth: Any = None) -> dict[str, Any]:
    """A registry host's hostvars: what the role published there (None: not published)."""
    facts: dict[str, Any] = {"inventory_hostname": name, "docker_users": ["student"]}
    if address is not None:
        facts |= {"registry_address": address, "registry_ca_certificate": ca, "registry_auth_required": auth}
    return facts


def test_trust_entries_without_registries() -> None:
    assert registry_trust_entries([]) == []


def test_trust_entries_for_one_registry() -> None:
    hosts = [_published("registry-01", "registry-01.lab.test:5000", "CA 1", True)]
    assert registry_trust_entries(hosts) == [
        {
            "name": "registry-registry-01.lab.test_5000",
            "content": "CA 1",
            "docker_registries": ["registry-01.lab.test:5000"],
        }
    ]


def test_trust_entries_for_two_registries_and_hosts_without_a_ca() -> None:
    hosts = [
        _published("r1", "r1:5000", "CA 1"),
        _published("r2", None, None),  # the role has not run there
        _published("r3", "r3:5000", ""),  # check mode before the first run
        _published("r4", "[fd00::1]:5000", "CA 4"),
    ]
    assert registry_trust_entries(hosts) == [
        {"name": "registry-r1_5000", "content": "CA 1", "docker_registries": ["r1:5000"]},
        {"name": "registry-_fd00__1__5000", "content": "CA 4", "docker_registries": ["[fd00::1]:5000"]},
    ]


def test_login_hosts_are_those_that_require_a_login() -> None:
    hosts = [
        _published("r1", "r1:5000", "CA", True),
        _published("r2", "r2:5000", "CA", False),
        _published("r3", None, None),
        _published("r4", "r4:5000", "CA", True),
    ]
    assert registry_login_hosts(hosts) == ["r1", "r4"]
    assert registry_login_hosts([]) == []


def test_first_host_is_the_first_that_published_its_address() -> None:
    hosts = [_published("r1", None, None), _published("r2", "r2:5000", ""), _published("r3", "r3:5000", "CA")]
    assert registry_first_host(hosts) == "r2"
    assert registry_first_host([_published("r1", None, None)]) == ""
    assert registry_first_host([]) == ""


def test_the_filters_are_registered() -> None:
    assert set(FilterModule().filters()) == {
        "registry_input_errors",
        "registry_hostname_san",
        "registry_trust_entries",
        "registry_login_hosts",
        "registry_first_host",
    }
