"""Filters behind the docker role's safe apply of /etc/docker/daemon.json.

- docker_daemon_input_errors: checks the role's inputs, one message per problem, each naming
  the variable (argument_specs has already checked types and choices).
- docker_daemon_prune: drops unset settings so that an empty configuration writes no file.
- docker_daemon_changed_keys: which top-level keys differ between two configurations.
- docker_daemon_mismatches: which configured keys `docker info` does not reflect (a reload
  that dockerd rejected is silent: only this comparison notices it).
- docker_daemon_variables: the role variable behind each daemon.json key, for error messages.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

# daemon.json key -> the role variable that sets it.
KEY_VARIABLES = {
    "registry-mirrors": "docker_registry_mirrors",
    "insecure-registries": "docker_insecure_registries",
    "dns": "docker_dns",
    "dns-search": "docker_dns_search",
    "dns-opts": "docker_dns_options",
    "log-driver": "docker_log_driver",
    "log-opts": "docker_log_options",
    "data-root": "docker_data_root",
    "live-restore": "docker_live_restore",
    "default-address-pools": "docker_default_address_pools",
    "hosts": "docker_daemon_hosts",
    "proxies": "docker_proxy",
}

_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_cidr(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


def _host_port_ok(value: str) -> bool:
    """host[:port] or [v6]:port, as insecure-registries and certs.d take them."""
    host, port = value, None
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
        if not _is_ip(host):
            return False
    elif value.count(":") == 1:
        host, port = value.split(":")
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        return False
    return _is_ip(host) or bool(_HOSTNAME.match(host))


def _url_ok(value: str, schemes: tuple[str, ...]) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in schemes and bool(parts.hostname)


LIST_VARIABLES = (
    "docker_users",
    "docker_registry_mirrors",
    "docker_insecure_registries",
    "docker_dns",
    "docker_dns_search",
    "docker_dns_options",
    "docker_default_address_pools",
    "docker_daemon_hosts",
)


def docker_daemon_input_errors(v: dict[str, Any]) -> list[str]:
    """Messages for every bad input in `v` (the role's variables, by name)."""
    errors: list[str] = []
    # argument_specs turns a string into a one-element list; here a string is a mistake.
    v = dict(v)
    for name in LIST_VARIABLES:
        if name in v and v[name] is not None and not isinstance(v[name], list):
            errors.append(f"{name} must be a list, got {type(v[name]).__name__} '{v[name]}'")
            v[name] = []
    for i, mirror in enumerate(v.get("docker_registry_mirrors") or []):
        if not _url_ok(str(mirror), ("http", "https")):
            errors.append(
                f"docker_registry_mirrors[{i}] '{mirror}' is not a URL with a scheme, e.g. https://mirror.lab:5000"
            )
    for i, reg in enumerate(v.get("docker_insecure_registries") or []):
        reg = str(reg)
        if "://" in reg:
            errors.append(f"docker_insecure_registries[{i}] '{reg}' takes host[:port] or a CIDR, without a scheme")
        elif not (_is_cidr(reg) or _host_port_ok(reg)):
            errors.append(f"docker_insecure_registries[{i}] '{reg}' is neither host[:port] nor a CIDR")
    for i, server in enumerate(v.get("docker_dns") or []):
        if not _is_ip(str(server)):
            errors.append(f"docker_dns[{i}] '{server}' is not an IP address (Docker takes no host names here)")
    for i, domain in enumerate(v.get("docker_dns_search") or []):
        if not _HOSTNAME.match(str(domain)):
            errors.append(f"docker_dns_search[{i}] '{domain}' is not a domain name")
    for i, pool in enumerate(v.get("docker_default_address_pools") or []):
        base, size = (pool or {}).get("base"), (pool or {}).get("size")
        if not (isinstance(base, str) and _is_cidr(base)):
            errors.append(f"docker_default_address_pools[{i}].base '{base}' is not a CIDR such as 10.200.0.0/16")
        elif not (isinstance(size, int) and ipaddress.ip_network(base, strict=False).prefixlen <= size <= 32):
            errors.append(
                f"docker_default_address_pools[{i}].size '{size}' must be a prefix length between the base's and 32"
            )
    for i, host in enumerate(v.get("docker_daemon_hosts") or []):
        host = str(host)
        ok = host == "fd://" or (host.startswith("unix:///")) or (
            host.startswith("tcp://") and _url_ok(host, ("tcp",)) and urlsplit(host).port is not None
        )
        if not ok:
            errors.append(f"docker_daemon_hosts[{i}] '{host}' must be fd://, unix:///path or tcp://host:port")
    for key in ("http", "https"):
        url = (v.get("docker_proxy") or {}).get(key)
        if url and not _url_ok(str(url), ("http", "https", "socks5")):
            errors.append(f"docker_proxy.{key} '{url}' is not a URL with a scheme, e.g. http://proxy.lab:3128")
    for name, value in (v.get("docker_service_environment") or {}).items():
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", str(name)):
            errors.append(f"docker_service_environment: '{name}' is not an environment variable name")
        elif isinstance(value, (dict, list)) or any(c in str(value) for c in "\n\"\\"):
            errors.append(
                f"docker_service_environment.{name} must be a plain value without newlines, quotes or backslashes"
            )
    root = v.get("docker_data_root")
    if root and not str(root).startswith("/"):
        errors.append(f"docker_data_root '{root}' must be an absolute path")
    version = v.get("docker_version")
    if version and not re.match(r"^\d+(\.\d+){0,2}$", str(version)):
        errors.append(f"docker_version '{version}' must look like 27, 27.3 or 27.3.1")
    return errors


def docker_daemon_prune(config: dict[str, Any]) -> dict[str, Any]:
    """Drop unset settings (None, '', [], {}); keep false and 0."""
    return {k: val for k, val in config.items() if val is not None and val != "" and val != [] and val != {}}


def docker_daemon_changed_keys(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def _norm_url(url: str) -> str:
    return url.rstrip("/")


def docker_daemon_mismatches(info: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """Keys of `config` whose effect `docker info` (as JSON) does not show."""
    bad: list[str] = []
    registry = info.get("RegistryConfig") or {}
    if "registry-mirrors" in config:
        want = [_norm_url(m) for m in config["registry-mirrors"]]
        if [_norm_url(m) for m in registry.get("Mirrors") or []] != want:
            bad.append("registry-mirrors")
    if "insecure-registries" in config:
        cidrs = set(registry.get("InsecureRegistryCIDRs") or [])
        index = registry.get("IndexConfigs") or {}
        for reg in config["insecure-registries"]:
            as_cidr = str(ipaddress.ip_network(reg, strict=False)) if _is_cidr(reg) else None
            if not ((as_cidr and as_cidr in cidrs) or (reg in index and index[reg].get("Secure") is False)):
                bad.append("insecure-registries")
                break
    simple = {"live-restore": "LiveRestoreEnabled", "debug": "Debug", "log-driver": "LoggingDriver",
              "data-root": "DockerRootDir", "default-runtime": "DefaultRuntime"}
    for key, field in simple.items():
        if key in config and info.get(field) != config[key]:
            bad.append(key)
    if "labels" in config and sorted(info.get("Labels") or []) != sorted(config["labels"]):
        bad.append("labels")
    if "proxies" in config:
        proxies = config["proxies"]
        fields = {"http-proxy": "HTTPProxy", "https-proxy": "HTTPSProxy", "no-proxy": "NoProxy"}
        for key, field in fields.items():
            # docker info masks a password in a proxy URL: compare what it shows, host and all.
            want, have = proxies.get(key, ""), info.get(field) or ""
            if re.sub(r"//[^@/]*@", "//", want) != re.sub(r"//[^@/]*@", "//", have):
                bad.append("proxies")
                break
    return bad


def docker_daemon_variables(keys: list[str]) -> list[str]:
    """'registry-mirrors (docker_registry_mirrors)' for each key; free-form keys name docker_daemon_options."""
    return [f"{k} ({KEY_VARIABLES.get(k, 'docker_daemon_options')})" for k in keys]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "docker_daemon_input_errors": docker_daemon_input_errors,
            "docker_daemon_prune": docker_daemon_prune,
            "docker_daemon_changed_keys": docker_daemon_changed_keys,
            "docker_daemon_mismatches": docker_daemon_mismatches,
            "docker_daemon_variables": docker_daemon_variables,
        }
