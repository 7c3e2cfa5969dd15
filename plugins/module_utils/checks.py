"""The input rules every role of dockyard.lab shares: one rule, one place.

Each `is_*` function answers one question about one value and never raises. `Problems`
turns a failed rule into the one message every role uses for it, naming the variable, so
that "a port" reads the same in every role. The role filters (plugins/filter/<role>.py)
build their `<role>_input_errors` from these and only add what is particular to the role.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

# A DNS label and a DNS name (RFC 1123: letters, digits and '-', not at either end).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")
# Container, network and volume names as Docker accepts them.
_DOCKER_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")
# Docker's image reference grammar (distribution/reference). A first path component is a
# registry only when it has a dot or a port, or is localhost.
_REGISTRY = rf"(?:localhost|{_LABEL}(?:\.{_LABEL})+|{_LABEL}(?=:))(?::[0-9]{{1,5}})?"
_PATH = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_IMAGE_NAME = re.compile(rf"(?:{_REGISTRY}/)?{_PATH}")
_IMAGE_REFERENCE = re.compile(rf"(?:{_REGISTRY}/)?{_PATH}(?::{_TAG})?(?:@{_DIGEST})?")
# Sizes as Docker reads them (go-units RAMInBytes): 10m, 50M, 1.5g, 512k, 100b, 2GiB.
_SIZE = re.compile(r"(\d+(?:\.\d+)?) ?([kKmMgGtTpP]?)[iI]?[bB]?")
_SIZE_FACTORS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
_DURATION = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?\r?\n-----END \1-----", re.S)


def show(value: Any) -> str:
    """A value as a message shows it: JSON, so that "" and "80" read differently from 80."""
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def type_name(value: Any) -> str:
    """The YAML-level type of a value: 'str', not ansible-core 2.19's '_AnsibleTaggedStr'."""
    for kind in (bool, int, float, str, list, dict):
        if isinstance(value, kind):
            return kind.__name__
    return "null" if value is None else type(value).__name__


def described(value: Any) -> str:
    """'str "a=b"', 'int 3', 'null': a value with its type, for "must be a list, got ..."."""
    return "null" if value is None else f"{type_name(value)} {show(value)}"


def is_true(value: Any) -> bool:
    """What Ansible's `bool` filter makes of a value: true, "yes", "on", "1", 1 ... are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in {"1", "on", "t", "true", "y", "yes"}


def as_int(value: Any) -> int | None:
    """An int, or a string of digits (what `-e` gives); None for anything else (bools, spaces, '+')."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return None


def is_whole(value: Any, low: int | None = None, high: int | None = None) -> bool:
    number = as_int(value)
    return number is not None and (low is None or number >= low) and (high is None or number <= high)


def is_port(value: Any) -> bool:
    return is_whole(value, 1, 65535)


def is_ip(value: Any, version: int | None = None) -> bool:
    if not isinstance(value, str):
        return False
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return version is None or address.version == version


def is_ipv4(value: Any) -> bool:
    return is_ip(value, 4)


def is_cidr(value: Any) -> bool:
    """An address range with its prefix length (10.0.0.0/8, fd00::/64); host bits may be set."""
    if not isinstance(value, str) or "/" not in value:
        return False
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def is_hostname(value: Any) -> bool:
    return isinstance(value, str) and bool(_HOSTNAME.fullmatch(value))


def is_host(value: Any) -> bool:
    """A DNS name or an IP address (IPv6 without brackets)."""
    return is_hostname(value) or is_ip(value)


def split_host_port(value: str) -> tuple[str, str | None]:
    """'host:5000' -> ('host', '5000'); '[fd00::1]:5000' -> ('fd00::1', '5000'); 'host' -> ('host', None)."""
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        return host, (rest[1:] if rest.startswith(":") else (rest or None))
    if value.count(":") == 1:
        host, port = value.split(":")
        return host, port
    return value, None


def is_host_port(value: Any, port_required: bool = False) -> bool:
    """host[:port] or [IPv6]:port, as registries are named (insecure-registries, certs.d)."""
    if not isinstance(value, str) or "://" in value:
        return False
    host, port = split_host_port(value)
    if value.startswith("[") and not is_ip(host, 6):
        return False
    if port is None:
        return not port_required and (is_hostname(host) or is_ipv4(host) or value.startswith("["))
    return is_port(port) and port.isdigit() and (is_hostname(host) or is_ip(host))


def is_url(value: Any, schemes: Iterable[str] = ("http", "https")) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in tuple(schemes) and bool(parts.hostname)


def is_docker_name(value: Any) -> bool:
    """A container, network or volume name."""
    return isinstance(value, str) and bool(_DOCKER_NAME.fullmatch(value))


def is_image_name(value: Any) -> bool:
    """[registry/]lower-case/path, without a tag."""
    return isinstance(value, str) and bool(_IMAGE_NAME.fullmatch(value))


def is_image_tag(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(_TAG, value))


def is_image_reference(value: Any) -> bool:
    """[registry/]name[:tag][@digest], as `docker pull` takes it."""
    return isinstance(value, str) and bool(_IMAGE_REFERENCE.fullmatch(value))


def is_registry(value: Any) -> bool:
    """A registry as image references start with it: host[:port], no scheme."""
    return isinstance(value, str) and bool(re.fullmatch(_REGISTRY, value))


def is_repository_path(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(_PATH, value))


def is_file_mode(value: Any) -> bool:
    """An octal mode as a quoted string ('0644', '750'): YAML reads an unquoted 0644 as the int 420."""
    return isinstance(value, str) and bool(re.fullmatch(r"0?[0-7]{3}", value))


def is_abs_path(value: Any, root_ok: bool = False) -> bool:
    return (
        isinstance(value, str)
        and value.startswith("/")
        and "\n" not in value
        and "/../" not in value + "/"
        and (root_ok or value.rstrip("/") != "")
    )


def is_safe_filename(value: Any, length: int = 64) -> bool:
    """A name that becomes a file name: letters, digits, . _ -, starting with a letter or digit."""
    return isinstance(value, str) and bool(re.fullmatch(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{length - 1}}}", value))


def size_in_bytes(value: Any) -> int | None:
    """'10m' -> 10485760, as Docker reads sizes (binary units, case-insensitive); None if not a size."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if not isinstance(value, str):
        return None
    match = _SIZE.fullmatch(value.strip())
    if not match:
        return None
    return int(float(match.group(1)) * _SIZE_FACTORS[match.group(2).lower()])


def is_size(value: Any, minimum: int = 1) -> bool:
    size = size_in_bytes(value)
    return size is not None and size >= minimum


def is_cpus(value: Any) -> bool:
    """A CPU count as compose and `docker run --cpus` take it: a positive decimal ('0.5', 2)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value > 0
    return isinstance(value, str) and bool(re.fullmatch(r"[0-9]+(\.[0-9]+)?|\.[0-9]+", value)) and float(value) > 0


def is_duration(value: Any) -> bool:
    """A duration as Docker and compose take it (Go's time.ParseDuration): '10s', '1m30s', '500ms', '0s'."""
    return isinstance(value, str) and bool(_DURATION.fullmatch(value))


def is_env_name(value: Any) -> bool:
    return isinstance(value, str) and bool(_ENV_NAME.fullmatch(value))


def pem_blocks(text: Any, kind: str | None = None) -> list[str]:
    """The PEM blocks in `text` ('CERTIFICATE', 'PRIVATE KEY', ...), anything around them dropped."""
    if not isinstance(text, str):
        return []
    return [m.group(0) for m in _PEM_BLOCK.finditer(text) if kind is None or m.group(1) == kind]


def has_private_key(text: Any) -> bool:
    return isinstance(text, str) and bool(re.search(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----", text))


def is_pem_certificate(text: Any) -> bool:
    """Exactly one PEM certificate and no private key (its contents are parsed elsewhere)."""
    return len(pem_blocks(text, "CERTIFICATE")) == 1 and not has_private_key(text)


def is_pem_private_key(text: Any) -> bool:
    return isinstance(text, str) and any(b.split("-----")[1].endswith("PRIVATE KEY") for b in pem_blocks(text))


def is_checksum(value: Any, algorithms: Iterable[str] = ("sha256", "sha384", "sha512")) -> bool:
    """'<algorithm>:<hex digest>' as get_url takes a checksum, the digest as long as the algorithm makes it."""
    if not isinstance(value, str):
        return False
    algorithm, _, digest = value.partition(":")
    algorithm = algorithm.lower()
    if algorithm not in tuple(algorithms) or algorithm not in hashlib.algorithms_available:
        return False
    return bool(re.fullmatch(r"[0-9A-Fa-f]+", digest)) and len(digest) == 2 * hashlib.new(algorithm).digest_size


class Problems:
    """Collects one message per failed rule; every message names its variable first."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def check(self, ok: bool, message: str) -> bool:
        if not ok:
            self.add(message)
        return ok

    def port(self, name: str, value: Any) -> bool:
        return self.check(is_port(value), f"{name} must be a port number from 1 to 65535, got {show(value)}")

    def whole(self, name: str, value: Any, low: int, high: int | None = None, why: str = "") -> bool:
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        return self.check(is_whole(value, low, high), f"{name} must be a whole number {span}{why}, got {show(value)}")

    def ipv4(self, name: str, value: Any, example: str = "0.0.0.0 or 127.0.0.1") -> bool:
        return self.check(is_ipv4(value), f"{name} must be an IPv4 address such as {example}, got {show(value)}")

    def docker_name(self, name: str, value: Any) -> bool:
        return self.check(
            is_docker_name(value),
            f"{name} must be a Docker object name (a letter or digit, then letters, digits, _ . -), got {show(value)}",
        )

    def image_reference(self, name: str, value: Any) -> bool:
        return self.check(
            is_image_reference(value),
            f"{name} {show(value)} is not an image reference ([registry/]name[:tag][@digest], lower-case name)",
        )

    def image_name(self, name: str, value: Any) -> bool:
        return self.check(
            is_image_name(value),
            f"{name} {show(value)} is not an image name ([registry/]lower-case/path, without a tag)",
        )

    def image_tag(self, name: str, value: Any) -> bool:
        return self.check(
            is_image_tag(value), f"{name} {show(value)} is not an image tag (letters, digits, _ . -, at most 128)"
        )

    def abs_path(self, name: str, value: Any) -> bool:
        return self.check(is_abs_path(value), f"{name} must be an absolute path other than /, got {show(value)}")

    def non_empty(self, name: str, value: Any, what: str = "a non-empty string") -> bool:
        return self.check(isinstance(value, str) and value.strip() != "", f"{name} must be {what}, got {show(value)}")

    def size(self, name: str, value: Any) -> bool:
        return self.check(
            is_size(value), f"{name} must be a size such as 10m, 512k or 1g (bytes, k, m, g), got {show(value)}"
        )

    def cpus(self, name: str, value: Any) -> bool:
        return self.check(
            is_cpus(value), f"{name} must be a positive number of CPUs such as 0.5 or 2, got {show(value)}"
        )

    def duration(self, name: str, value: Any) -> bool:
        return self.check(
            is_duration(value), f"{name} must be a duration such as 10s, 1m30s or 500ms, got {show(value)}"
        )

    def mapping(self, name: str, value: Any, what: str = "a mapping") -> bool:
        return self.check(
            isinstance(value, Mapping), f"{name} must be {what}, got {described(value)}"
        )

    def listing(self, name: str, value: Any) -> bool:
        """argument_specs turns a string into a one-element list; a string given for a list is a mistake."""
        return self.check(isinstance(value, list), f"{name} must be a list, got {described(value)}")
