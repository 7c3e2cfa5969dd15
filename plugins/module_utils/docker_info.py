"""What dockerd took from daemon.json, read from `docker info`: shared by the docker role's
filters (plugins/filter/docker_daemon.py, its verify step) and the docker_doctor module.

- KEY_VARIABLES: the docker role variable behind each daemon.json key.
- INFO_FIELDS: daemon.json keys shown as one top-level field of `docker info`'s JSON.
- docker_daemon_mismatches: which configured keys `docker info` does not reflect (a reload
  that dockerd rejected is silent: only this comparison notices it).
- docker_daemon_variables: 'key (variable)' for error messages.
- docker_info_answered: whether `docker info`'s JSON comes from a dockerd that answered.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from ansible_collections.dockyard.lab.plugins.module_utils.checks import is_cidr

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


# daemon.json key -> the top-level field of `docker info`'s JSON that shows it.
INFO_FIELDS = {
    "live-restore": "LiveRestoreEnabled",
    "debug": "Debug",
    "log-driver": "LoggingDriver",
    "data-root": "DockerRootDir",
    "default-runtime": "DefaultRuntime",
}


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
            as_cidr = str(ipaddress.ip_network(reg, strict=False)) if is_cidr(reg) else None
            if not ((as_cidr and as_cidr in cidrs) or (reg in index and index[reg].get("Secure") is False)):
                bad.append("insecure-registries")
                break
    for key, field in INFO_FIELDS.items():
        if key in config and info.get(field) != config[key]:
            bad.append(key)
    if "labels" in config and sorted(info.get("Labels") or []) != sorted(config["labels"]):
        bad.append("labels")
    if "proxies" in config:
        proxies = config["proxies"]
        # `docker info`'s JSON says HTTPProxy up to Docker 2x and HttpProxy from Docker 29 on.
        fields = {"http-proxy": ("HTTPProxy", "HttpProxy"), "https-proxy": ("HTTPSProxy", "HttpsProxy"),
                  "no-proxy": ("NoProxy",)}
        for key, names in fields.items():
            # docker info masks a password in a proxy URL: compare what it shows, host and all.
            want, have = proxies.get(key, ""), next((info[n] for n in names if info.get(n)), "")
            if re.sub(r"//[^@/]*@", "//", want) != re.sub(r"//[^@/]*@", "//", have):
                bad.append("proxies")
                break
    return bad


def docker_daemon_variables(keys: list[str]) -> list[str]:
    """'registry-mirrors (docker_registry_mirrors)' for each key; free-form keys name docker_daemon_options."""
    return [f"{k} ({KEY_VARIABLES.get(k, 'docker_daemon_options')})" for k in keys]


def docker_info_answered(info_json: str | None) -> bool:
    """True when `docker info --format '{{json .}}'` printed a server's info. The command exits 0
    with "ServerErrors" and no server version when dockerd does not answer (Docker 20.10 and 29)."""
    try:
        info = json.loads(info_json or "")
    except ValueError:
        return False
    return isinstance(info, dict) and not info.get("ServerErrors") and bool(info.get("ServerVersion"))
