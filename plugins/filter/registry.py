"""Filters behind the registry role's input checks and the client plays of playbooks/registry.yml.

- registry_input_errors: checks the role's inputs (a dict of its variables by name), one message
  per problem, each naming the variable (argument_specs has already checked types and choices).
  A given certificate, key and CA are parsed (cryptography) to check that they fit together.
  No message holds a password or key material.
- registry_hostname_san: the subject alternative name clients check for registry_hostname
  ('IP:10.0.0.5' for an IPv4 address, else 'DNS:registry.lab').
- registry_trust_entries: the ca_certificates_list entries that make a Docker host trust every
  registry that published its CA.
- registry_login_hosts: the registry hosts that require a login.
- registry_first_host: the first registry host that published its address ('' if none).

The last three take the hostvars of the hosts in the group `registry`, in inventory order
(`groups['registry'] | map('extract', hostvars)`): what the role publishes there is listed in
its README under "Facts".
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ansible_collections.dockyard.lab.plugins.module_utils.checks import (
    Problems,
    has_private_key,
    is_hostname,
    is_ip,
    is_ipv4,
    pem_blocks,
    show,
    type_name,
)

# cryptography is imported where a certificate or key is parsed, not here: Ansible loads every
# filter file of the collection in each task's worker process to find one filter, so what this
# module imports at the top costs every task that uses any dockyard.lab filter
# (tests/unit/test_filter_imports.py).
if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

# A login name in the htpasswd file: no ':' (the field separator) and no spaces.
_USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")
_TLS_VARIABLES = ("registry_tls_certificate", "registry_tls_private_key", "registry_tls_ca_certificate")


def registry_hostname_san(hostname: Any) -> str:
    """'IP:<hostname>' for an IPv4 address, else 'DNS:<hostname>'."""
    return f"{'IP' if is_ipv4(hostname) else 'DNS'}:{hostname}"


def _san_ok(entry: Any) -> bool:
    if not isinstance(entry, str):
        return False
    kind, _, value = entry.partition(":")
    return (kind == "DNS" and is_hostname(value)) or (kind == "IP" and is_ip(value))


def _names_host(names: Iterable[str], hostname: str) -> bool:
    """Whether a client reaching `hostname` accepts a certificate with these DNS:/IP: names:
    IP names for an address; DNS names case-insensitively, '*' standing for the first label."""
    if is_ipv4(hostname):
        address = ipaddress.ip_address(hostname)
        return any(n.startswith("IP:") and is_ip(n[3:]) and ipaddress.ip_address(n[3:]) == address for n in names)
    host = hostname.lower().rstrip(".").split(".")
    for name in names:
        pattern = name[4:].lower().rstrip(".").split(".") if name.startswith("DNS:") else []
        if len(pattern) == len(host) and all(
            part == label or (i == 0 and part == "*") for i, (part, label) in enumerate(zip(pattern, host, strict=True))
        ):
            return True
    return False


def _check_container(p: Problems, v: Mapping[str, Any]) -> None:
    p.port("registry_port", v.get("registry_port"))
    p.ipv4("registry_bind_address", v.get("registry_bind_address"))
    for name in ("registry_container_name", "registry_data_volume"):
        p.docker_name(name, v.get(name))
    p.image_reference("registry_image", v.get("registry_image"))
    p.abs_path("registry_config_dir", v.get("registry_config_dir"))


def _check_tls(p: Problems, v: Mapping[str, Any], hostname: Any) -> None:
    """SANs, the generated CA's settings, and whether the three own-certificate values go together."""
    sans = v.get("registry_tls_subject_alt_names") or []
    if not p.listing("registry_tls_subject_alt_names", sans):
        sans = []
    bad = [entry for entry in sans if not _san_ok(entry)]
    p.check(
        not bad,
        f"registry_tls_subject_alt_names entries must be DNS:<name> or IP:<address>, these are not: {show(bad)}",
    )
    own = bool(v.get("registry_tls_certificate"))
    if own:
        p.check(
            not sans,
            "registry_tls_subject_alt_names only applies to the generated certificate; with registry_tls_certificate "
            "the names are those in your certificate",
        )
    elif sans and is_hostname(hostname) and not _names_host([str(s) for s in sans if _san_ok(s)], hostname):
        p.add(
            f"registry_tls_subject_alt_names {show(sans)} does not include {registry_hostname_san(hostname)} "
            "(registry_hostname): clients reaching the registry by that name would refuse its certificate"
        )
    p.check(
        sum(bool(v.get(name)) for name in _TLS_VARIABLES) in (0, 3),
        "registry_tls_certificate, registry_tls_private_key and registry_tls_ca_certificate go together: "
        "give all three (your own certificate) or none (the role generates a lab CA)",
    )
    for name in ("registry_ca_valid_days", "registry_tls_valid_days"):
        p.whole(name, v.get(name), 1, 99999, " (days)")
    common_name = str(v.get("registry_ca_common_name"))
    if p.non_empty("registry_ca_common_name", v.get("registry_ca_common_name")):
        p.check(
            len(common_name) <= 64,
            f"registry_ca_common_name must be at most 64 characters (the X.509 limit), got {len(common_name)}",
        )


def _check_users(p: Problems, v: Mapping[str, Any]) -> None:
    """Never shows a password, nor an entry that might hold one: only names."""
    users = v.get("registry_users") or []
    if not isinstance(users, list):
        p.add(f"registry_users must be a list of {{name, password}} mappings, got {type_name(users)}")
        users = []
    p.check(
        v.get("registry_auth") is not True or len(users) > 0,
        "registry_auth is true but registry_users is empty: give at least one user with a password",
    )
    names: list[Any] = []
    without_password: list[Any] = []
    for i, user in enumerate(users):
        if not isinstance(user, Mapping):
            p.add(f"registry_users[{i}] must be a mapping with name and password, got {type_name(user)}")
            continue
        name = user.get("name")
        names.append(name)
        p.check(
            isinstance(name, str) and bool(_USER_NAME.fullmatch(name)),
            f"registry_users[{i}].name must be a login name (a letter or digit, then letters, digits, _ . @ -; "
            f"no ':' and no spaces), got {show(name)}",
        )
        password = user.get("password")
        if password is None or isinstance(password, (dict, list)) or str(password).strip() == "":
            without_password.append(name)
    p.check(
        not without_password,
        f"registry_users entries need a non-empty password; these have none: {show(without_password)}",
    )
    twice = sorted(name for name, count in Counter(map(str, names)).items() if count > 1)
    p.check(not twice, f"registry_users lists these names more than once: {show(twice)}")


def _load_certificate(p: Problems, name: str, text: Any) -> x509.Certificate | None:
    """The first certificate in `text`; a message naming the variable if there is none to read."""
    from cryptography import x509

    if has_private_key(text):
        p.add(
            f"{name} holds a private key: give only certificates here (the role writes them readable by all; "
            "the server's key belongs in registry_tls_private_key)"
        )
        return None
    blocks = pem_blocks(text, "CERTIFICATE")
    try:
        certificate = x509.load_pem_x509_certificate(blocks[0].encode()) if blocks else None
        if certificate is not None:
            certificate.extensions  # noqa: B018 - parses them: raises ValueError on a malformed one
    except ValueError:
        certificate = None
    if certificate is None:
        p.add(f"{name} is not a certificate in PEM that can be read (-----BEGIN CERTIFICATE----- ...)")
    return certificate


def _load_private_key(p: Problems, text: Any) -> PrivateKeyTypes | None:
    """The private key; if unreadable, a message without the exception's text (it could quote the key)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    blocks = [block for block in pem_blocks(text) if block.split("-----")[1].endswith("PRIVATE KEY")]
    try:
        if blocks:
            return serialization.load_pem_private_key(blocks[0].encode(), password=None)
    except TypeError:
        p.add("registry_tls_private_key is encrypted: the registry needs the key without a passphrase")
        return None
    except (ValueError, UnsupportedAlgorithm):
        pass
    p.add("registry_tls_private_key is not a private key in PEM that can be read (PKCS#8, RSA or EC)")
    return None


def _subject_alt_names(certificate: x509.Certificate) -> list[str]:
    from cryptography import x509

    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [
        f"DNS:{n.value}" if isinstance(n, x509.DNSName) else f"IP:{n.value}"
        for n in extension.value
        if isinstance(n, (x509.DNSName, x509.IPAddress))
    ]


def _is_ca(certificate: x509.Certificate) -> str:
    """'' for a CA, else what its basicConstraints say."""
    from cryptography import x509

    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return "it has no basicConstraints"
    return "" if constraints.ca else "it has CA:FALSE"


def _spki(key: PrivateKeyTypes | x509.Certificate) -> bytes:
    """The public key (SubjectPublicKeyInfo, DER) of a private key or a certificate."""
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_given_certificate(p: Problems, v: Mapping[str, Any], hostname: Any) -> None:
    """The certificate names the host, the CA is a CA, the key is the certificate's."""
    certificate = _load_certificate(p, "registry_tls_certificate", v["registry_tls_certificate"])
    ca = _load_certificate(p, "registry_tls_ca_certificate", v["registry_tls_ca_certificate"])
    key = _load_private_key(p, v["registry_tls_private_key"])
    if certificate is not None and is_hostname(hostname):
        names = _subject_alt_names(certificate)
        p.check(
            _names_host(names, hostname),
            f"registry_tls_certificate must name {registry_hostname_san(hostname)} (registry_hostname) in its subject "
            f"alternative names; it has {show(names)}",
        )
    if ca is not None:
        why = _is_ca(ca)
        p.check(not why, f"registry_tls_ca_certificate must be a CA certificate (basicConstraints CA:TRUE); {why}")
    if certificate is not None and key is not None:
        p.check(
            _spki(key) == _spki(certificate),
            "registry_tls_private_key must be the certificate's key (its public key differs from "
            "registry_tls_certificate's)",
        )


def registry_input_errors(v: Mapping[str, Any]) -> list[str]:
    """Messages for every bad input in `v` (the role's variables by name; registry_auth as a bool)."""
    p = Problems()
    hostname = v.get("registry_hostname")
    p.check(
        is_hostname(hostname) or is_ipv4(hostname),
        "registry_hostname must be the DNS name or IPv4 address clients use for the registry (no scheme, "
        f"no port: the port is registry_port), got {show(hostname)}",
    )
    _check_container(p, v)
    _check_tls(p, v, hostname)
    _check_users(p, v)
    given = all(isinstance(v.get(name), str) and v.get(name) for name in _TLS_VARIABLES)
    if given and v.get("registry_state", "present") == "present":
        _check_given_certificate(p, v, hostname)
    return p.messages


def registry_trust_entries(registry_hostvars: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One ca_certificates_list entry per registry host that published its CA (registry_ca_certificate)."""
    entries: list[dict[str, Any]] = []
    for host in registry_hostvars:
        ca = host.get("registry_ca_certificate") or ""
        if len(ca) > 0:
            address = host["registry_address"]
            entries.append(
                {
                    "name": "registry-" + re.sub(r"[^A-Za-z0-9._-]", "_", str(address)),
                    "content": ca,
                    "docker_registries": [address],
                }
            )
    return entries


def registry_login_hosts(registry_hostvars: Iterable[Mapping[str, Any]]) -> list[str]:
    """The inventory names of the registry hosts that published registry_auth_required: true."""
    return [host["inventory_hostname"] for host in registry_hostvars if host.get("registry_auth_required")]


def registry_first_host(registry_hostvars: Iterable[Mapping[str, Any]]) -> str:
    """The inventory name of the first registry host that published registry_address, '' if none."""
    return next((str(host["inventory_hostname"]) for host in registry_hostvars if "registry_address" in host), "")


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "registry_input_errors": registry_input_errors,
            "registry_hostname_san": registry_hostname_san,
            "registry_trust_entries": registry_trust_entries,
            "registry_login_hosts": registry_login_hosts,
            "registry_first_host": registry_first_host,
        }
