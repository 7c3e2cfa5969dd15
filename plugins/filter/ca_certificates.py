"""Filters behind the ca_certificates role's validation (roles/ca_certificates/tasks/validate.yml).

- ca_certificates_input_errors: the checks of ca_certificates_list that need nothing read or
  downloaded: names, state, sources, the url checksum's form, registries (host[:port], one entry
  each), the client certificate pair, an entry that installs nowhere.
- ca_certificates_certificate_errors: the checks of each present entry's certificate text, given
  in `texts` (same order as the entries): the url checksum, no private key, exactly one PEM
  certificate that parses, a CA unless require_ca is false, expiry as ca_certificates_expired
  says, and a client_key that belongs to its client_cert. Parsed with cryptography, on the
  controller.
- ca_certificates_entries: the validated, normalised entries the install phases read
  (__ca_certificates_entries). Client keys stay out of them.

argument_specs has already checked types and choices. Every message starts with
"ca_certificates_list entry '<name or #index>': " and holds no certificate text or key material.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.dockyard.lab.plugins.module_utils.checks import (
    Problems,
    has_private_key,
    is_checksum,
    is_host_port,
    is_pem_certificate,
    is_safe_filename,
    pem_blocks,
    show,
    type_name,
)

# cryptography is imported where a certificate is parsed, not here: Ansible loads every filter
# file of the collection in each task's worker process to find one filter, so what this module
# imports at the top costs every task that uses any dockyard.lab filter (tests/unit/test_filter_imports.py).
if TYPE_CHECKING:
    from cryptography import x509

SOURCES = ("content", "src", "url")
CHECKSUM_ALGORITHMS = ("sha256", "sha384", "sha512")
EXPIRED_CHOICES = ("fail", "warn", "allow")
# The expiry date as community.crypto.x509_certificate_info gave it (ASN.1 GeneralizedTime).
NOT_AFTER_FORMAT = "%Y%m%d%H%M%SZ"


def _where(entry: Any, index: int) -> str:
    name = entry.get("name") if isinstance(entry, Mapping) else None
    return f"ca_certificates_list entry '{name if isinstance(name, str) and name else f'#{index}'}'"


def _flag(value: Any, default: bool) -> bool | None:
    """A bool as Ansible's `bool` reads one ('yes', 'false', ...); the default when unset, None if unreadable."""
    if value is None:
        return default
    try:
        return bool(boolean(value, strict=True))
    except TypeError:
        return None


def _present(entry: Mapping[str, Any]) -> bool:
    return entry.get("state") != "absent"


def _registries(entry: Mapping[str, Any]) -> list[Any]:
    registries = entry.get("docker_registries")
    return list(registries) if isinstance(registries, list) else []


def _checksum_problem(checksum: Any) -> str:
    if checksum is None:
        return "url needs a checksum, e.g. sha256:<hex> (sha256sum of the file)"
    if not is_checksum(checksum, CHECKSUM_ALGORITHMS):
        return (
            "checksum must be <algorithm>:<hex> with algorithm sha256, sha384 or sha512 and a digest of its "
            f"length (64, 96 or 128 hex digits), got {show(checksum)}"
        )
    return ""


def _check_entry(p: Problems, where: str, entry: Mapping[str, Any], names: Counter[str]) -> None:
    name = entry.get("name")
    if not is_safe_filename(name):
        p.add(
            f"{where}: name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit "
            "(it becomes <name>.crt)"
        )
    elif names[str(name)] > 1:
        p.add(f"{where}: name is used by more than one entry")
    state = entry.get("state")
    p.check(state in (None, "present", "absent"), f"{where}: state must be present or absent, got {show(state)}")
    sources = [key for key in SOURCES if entry.get(key) is not None]
    if _present(entry) and len(sources) != 1:
        p.add(f"{where}: give exactly one of content, src or url (found: {', '.join(sources) or 'none'})")
    for key in ("content", "client_cert", "client_key"):
        value = entry.get(key)
        # Their text is never shown: only its type.
        p.check(value is None or isinstance(value, str), f"{where}: {key} must be PEM text, got {type_name(value)}")
    for key in ("src", "url"):
        if entry.get(key) is not None:
            p.non_empty(f"{where}: {key}", entry[key])
    if entry.get("url") is not None:
        problem = _checksum_problem(entry.get("checksum"))
        p.check(not problem, f"{where}: {problem}")
    elif entry.get("checksum") is not None:
        p.add(f"{where}: checksum is only used with url")
    registries = entry.get("docker_registries")
    if registries is not None and p.listing(f"{where}: docker_registries", registries):
        for registry in registries:
            p.check(
                is_host_port(registry),
                f"{where}: docker_registries item {show(registry)} is not host or host:port (no scheme, no path)",
            )
    for key in ("system_store", "require_ca"):
        p.check(
            _flag(entry.get(key), True) is not None,
            f"{where}: {key} must be true or false, got {show(entry.get(key))}",
        )
    has_cert, has_key = entry.get("client_cert") is not None, entry.get("client_key") is not None
    if has_cert != has_key:
        p.add(f"{where}: client_cert and client_key go together")
    elif has_cert and not _registries(entry):
        p.add(f"{where}: client_cert and client_key need docker_registries")
    if _present(entry) and _flag(entry.get("system_store"), True) is False and not _registries(entry):
        p.add(f"{where}: installs nowhere: system_store is false and docker_registries is empty")


def ca_certificates_input_errors(entries: Any) -> list[str]:
    """Messages for every structural problem of ca_certificates_list; [] when it may be read and installed."""
    p = Problems()
    if not isinstance(entries, list):
        # Not Problems.listing: that shows the value, which could be certificate text.
        p.add(f"ca_certificates_list must be a list of entries, got {type_name(entries)}")
        return p.messages
    names = Counter(str(e.get("name")) for e in entries if isinstance(e, Mapping) and isinstance(e.get("name"), str))
    owners: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = _where(entry, index)
        if not isinstance(entry, Mapping):
            p.add(f"{where}: must be a mapping (name, then content, src or url, ...), got {type_name(entry)}")
            continue
        _check_entry(p, where, entry, names)
        # A registry's certs.d holds one ca.crt: one entry per registry, present or absent.
        registries = [r for r in _registries(entry) if isinstance(r, str)]
        for registry in sorted({r for r in registries if registries.count(r) > 1}):
            p.add(f"{where}: docker_registries lists {show(registry)} more than once")
        for registry in dict.fromkeys(registries):
            owner = owners.setdefault(registry, index)
            p.check(
                owner == index,
                f"{where}: docker_registries item {show(registry)} is also named by {_where(entries[owner], owner)}: "
                "a registry's certs.d holds one CA (ca.crt), keep one entry per registry",
            )
    return p.messages


def _certificate(block: str) -> x509.Certificate | None:
    from cryptography import x509

    try:
        certificate = x509.load_pem_x509_certificate(block.encode())
        certificate.extensions  # noqa: B018 - parses them: raises ValueError on a malformed one
    except ValueError:
        return None
    return certificate


def _not_after(certificate: x509.Certificate) -> datetime:
    try:
        return certificate.not_valid_after_utc
    except AttributeError:  # cryptography < 42
        return certificate.not_valid_after.replace(tzinfo=UTC)


def _expired(certificate: x509.Certificate) -> bool:
    return _not_after(certificate) < datetime.now(UTC)


def _is_ca(certificate: x509.Certificate) -> bool:
    from cryptography import x509

    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _subject(certificate: x509.Certificate) -> str:
    """CN=lab-root-ca,O=Lab: the subject in certificate order, as the role printed it before."""
    return ",".join(f"{a.rfc4514_attribute_name}={a.value!s}" for a in certificate.subject)


def _public_key(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    der: bytes = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def _check_certificate(
    p: Problems, where: str, entry: Mapping[str, Any], text: Any, require_ca: bool, expired: Any
) -> None:
    if not isinstance(text, str):
        src = entry.get("src")
        p.add(
            f"{where}: src {show(src)} could not be read on the controller (not found, or not text: see the warning "
            "above)"
            if src is not None
            else f"{where}: no certificate text to check"
        )
        return
    if entry.get("url") is not None:
        checksum = entry.get("checksum")
        problem = _checksum_problem(checksum)
        if problem:
            p.add(f"{where}: {problem}")
            return
        algorithm, _, expected = str(checksum).partition(":")
        got = hashlib.new(algorithm.lower(), text.encode()).hexdigest()
        if got != expected.lower():
            p.add(f"{where}: checksum mismatch for {entry['url']}: expected {checksum}, got {algorithm.lower()}:{got}")
            return
    if has_private_key(text):
        p.add(
            f"{where}: the certificate text contains a private key: give only the certificate, "
            "the key stays with the CA"
        )
        return
    blocks = pem_blocks(text, "CERTIFICATE")
    if len(blocks) != 1:
        p.add(
            f"{where}: holds {len(blocks)} certificates: give one per entry"
            if blocks
            else f"{where}: no PEM certificate (-----BEGIN CERTIFICATE-----) found"
        )
        return
    certificate = _certificate(blocks[0])
    if certificate is None:
        p.add(f"{where}: the PEM certificate does not parse as an X.509 certificate (damaged or truncated?)")
        return
    if _flag(entry.get("require_ca"), require_ca) and not _is_ca(certificate):
        p.add(
            f"{where}: is not a CA certificate (no basicConstraints CA:TRUE; subject {_subject(certificate)}): "
            "install the CA that signed it, or set require_ca: false on the entry to trust this very certificate"
        )
    if expired == "fail" and _expired(certificate):
        not_after = _not_after(certificate).strftime(NOT_AFTER_FORMAT)
        p.add(f"{where}: expired on {not_after} (ca_certificates_expired: fail)")


def _check_client(p: Problems, where: str, entry: Mapping[str, Any]) -> None:
    cert_text, key_text = entry.get("client_cert"), entry.get("client_key")
    if not is_pem_certificate(cert_text):
        p.add(f"{where}: client_cert must be exactly one PEM certificate and no key")
        return
    client = _certificate(pem_blocks(cert_text, "CERTIFICATE")[0])
    if client is None:
        p.add(f"{where}: client_cert does not parse as an X.509 certificate (damaged or truncated?)")
        return
    keys = [b for b in pem_blocks(key_text) if b.split("-----")[1].endswith("PRIVATE KEY")]
    if len(keys) != 1:
        p.add(
            f"{where}: client_key holds {len(keys)} private keys: give only client_cert's"
            if keys
            else f"{where}: client_key is not a PEM private key"
        )
        return
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(keys[0].encode(), password=None)
    except TypeError:
        p.add(f"{where}: client_key is encrypted: Docker needs the key without a passphrase")
        return
    except (ValueError, UnsupportedAlgorithm):
        # Not the exception's text: it could quote the key.
        p.add(f"{where}: client_key does not parse as a PEM private key (damaged or truncated?)")
        return
    p.check(
        _public_key(key.public_key()) == _public_key(client.public_key()),
        f"{where}: client_key does not belong to client_cert (their public keys differ)",
    )


def ca_certificates_certificate_errors(
    entries: Sequence[Any], texts: Sequence[Any], require_ca: Any = True, expired: Any = "fail"
) -> list[str]:
    """Messages for every problem of the present entries' certificates; texts[i] is entry i's certificate text
    (content, the src file or the download; None for an absent entry). Run after ca_certificates_input_errors."""
    p = Problems()
    texts = list(texts or [])
    p.check(expired in EXPIRED_CHOICES, f"ca_certificates_expired must be fail, warn or allow, got {show(expired)}")
    default_ca = _flag(require_ca, True)
    p.check(default_ca is not None, f"ca_certificates_require_ca must be true or false, got {show(require_ca)}")
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not _present(entry):
            continue
        where = _where(entry, index)
        text = texts[index] if index < len(texts) else None
        _check_certificate(p, where, entry, text, default_ca is not False, expired)
        if entry.get("client_cert") is not None:
            _check_client(p, where, entry)
    return p.messages


def ca_certificates_entries(entries: Sequence[Mapping[str, Any]], texts: Sequence[Any]) -> list[dict[str, Any]]:
    """The validated entries as the install phases read them: name, state, system_store, docker_registries,
    pem (the certificate block and a newline), client_cert (likewise, or ''), expired, not_after (YYYYmmddHHMMSSZ).
    """
    result: list[dict[str, Any]] = []
    texts = list(texts or [])
    for index, entry in enumerate(entries):
        present = _present(entry)
        blocks = pem_blocks(texts[index] if present and index < len(texts) else None, "CERTIFICATE")
        certificate = _certificate(blocks[0]) if blocks else None
        client_blocks = pem_blocks(entry.get("client_cert"), "CERTIFICATE")
        result.append(
            {
                "name": entry["name"],
                "state": "present" if present else "absent",
                "system_store": _flag(entry.get("system_store"), True) is not False,
                "docker_registries": _registries(entry),
                "pem": blocks[0].strip() + "\n" if blocks else "",
                "client_cert": client_blocks[0].strip() + "\n" if client_blocks else "",
                "expired": certificate is not None and _expired(certificate),
                "not_after": _not_after(certificate).strftime(NOT_AFTER_FORMAT) if certificate is not None else "",
            }
        )
    return result


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "ca_certificates_input_errors": ca_certificates_input_errors,
            "ca_certificates_certificate_errors": ca_certificates_certificate_errors,
            "ca_certificates_entries": ca_certificates_entries,
        }
