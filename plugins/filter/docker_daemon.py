"""Filters behind the docker role's checks and its safe apply of /etc/docker/daemon.json.

- docker_daemon_input_errors: checks the role's inputs, one message per problem, each naming
  the variable (argument_specs has already checked types and choices).
- docker_daemon_config: the daemon.json the role writes, from the variables and the engine's
  major version (unset settings pruned, log options as strings, `proxies` on Docker >= 23).
- docker_daemon_environment: dockerd's environment drop-in (docker_service_environment, plus
  the proxy on engines that read no `proxies` key).
- docker_daemon_apply: reload or restart, from what changed (the reloadable keys live here).
- docker_engine_major: the major version in `dockerd --version`'s output (99 when unknown).
- docker_exec_start: the unit's own dockerd command line without `-H fd://` (hosts drop-in).
- docker_daemon_prune: drops unset settings so that an empty configuration writes no file.
- docker_daemon_changed_keys: which top-level keys differ between two configurations.
- docker_daemon_mismatches: which configured keys `docker info` does not reflect (a reload
  that dockerd rejected is silent: only this comparison notices it).
- docker_daemon_variables: the role variable behind each daemon.json key, for error messages.
- docker_live_restore_kept: the running containers a restart must keep (live-restore on).
- docker_info_answered: whether `docker info`'s JSON comes from a dockerd that answered.
- docker_daemon_writes: what the safe apply must write or set aside (daemon.json, its folder,
  the drop-ins and theirs), from host_state's read of the files: the apply runs only when
  there is something.
- docker_rollback_plan: what a roll-back puts back (files written over or set aside) and
  removes (files created), from the apply's registered results.
"""

from __future__ import annotations

import difflib
import ipaddress
import posixpath
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ansible_collections.dockyard.lab.plugins.filter.host_drift import host_file_differs
from ansible_collections.dockyard.lab.plugins.module_utils.checks import (
    Problems,
    is_abs_path,
    is_cidr,
    is_env_name,
    is_host_port,
    is_hostname,
    is_ip,
    is_url,
    is_whole,
    show,
    size_in_bytes,
)

# Re-exported: these filters' rules live in module_utils, where the docker_doctor module uses them too.
from ansible_collections.dockyard.lab.plugins.module_utils.docker_info import (
    KEY_VARIABLES as KEY_VARIABLES,
)
from ansible_collections.dockyard.lab.plugins.module_utils.docker_info import (
    docker_daemon_mismatches as docker_daemon_mismatches,
)
from ansible_collections.dockyard.lab.plugins.module_utils.docker_info import (
    docker_daemon_variables as docker_daemon_variables,
)
from ansible_collections.dockyard.lab.plugins.module_utils.docker_info import (
    docker_info_answered as docker_info_answered,
)

# Every key dockerd reads from daemon.json on Linux (Docker 20.10 to 29; from `dockerd --help`
# and the daemon configuration reference). A key outside it is refused as a probable typo,
# unless docker_daemon_unknown_keys is `allow`.
KNOWN_KEYS = frozenset(
    {
        *KEY_VARIABLES,
        "allow-direct-routing",
        "allow-nondistributable-artifacts",
        "api-cors-header",
        "authorization-plugins",
        "bip",
        "bip6",
        "bridge",
        "bridge-accept-fwmark",
        "builder",
        "cdi-spec-dirs",
        "cgroup-parent",
        "containerd",
        "containerd-namespace",
        "containerd-plugins-namespace",
        "cpu-rt-period",
        "cpu-rt-runtime",
        "cri-containerd",
        "debug",
        "default-cgroupns-mode",
        "default-gateway",
        "default-gateway-v6",
        "default-ipc-mode",
        "default-network-opts",
        "default-runtime",
        "default-shm-size",
        "default-ulimits",
        "exec-opts",
        "exec-root",
        "experimental",
        "features",
        "firewall-backend",
        "fixed-cidr",
        "fixed-cidr-v6",
        "group",
        "host-gateway-ip",
        "host-gateway-ips",
        "icc",
        "init",
        "init-path",
        "ip",
        "ip-forward",
        "ip-forward-no-drop",
        "ip-masq",
        "ip6tables",
        "iptables",
        "ipv6",
        "isolation",
        "labels",
        "log-format",
        "log-level",
        "max-concurrent-downloads",
        "max-concurrent-uploads",
        "max-download-attempts",
        "metrics-addr",
        "min-api-version",
        "mtu",
        "network-control-plane-mtu",
        "no-new-privileges",
        "node-generic-resources",
        "oom-score-adjust",
        "pidfile",
        "raw-logs",
        "runtimes",
        "seccomp-profile",
        "selinux-enabled",
        "shutdown-timeout",
        "storage-driver",
        "storage-opts",
        "swarm-default-advertise-addr",
        "tls",
        "tlscacert",
        "tlscert",
        "tlskey",
        "tlsverify",
        "userland-proxy",
        "userland-proxy-path",
        "userns-remap",
    }
)

# daemon.json keys dockerd applies on SIGHUP (`systemctl reload docker`); a change to any
# other key needs a restart. From dockerd's reload handler (daemon/reload.go).
RELOADABLE_KEYS = frozenset(
    {
        "allow-nondistributable-artifacts",
        "authorization-plugins",
        "builder",
        "debug",
        "default-runtime",
        "features",
        "insecure-registries",
        "labels",
        "live-restore",
        "max-concurrent-downloads",
        "max-concurrent-uploads",
        "max-download-attempts",
        "registry-mirrors",
        "runtimes",
        "shutdown-timeout",
    }
)

# The first engine release that reads `proxies` from daemon.json.
PROXIES_MIN_MAJOR = 23

# resolv.conf(5) options, as docker_dns_options (dns-opts) passes them to containers.
DNS_FLAGS = frozenset(
    {
        "debug",
        "rotate",
        "no-check-names",
        "inet6",
        "ip6-bytestring",
        "ip6-dotint",
        "no-ip6-dotint",
        "edns0",
        "single-request",
        "single-request-reopen",
        "no-tld-query",
        "use-vc",
        "no-reload",
        "trust-ad",
        "no-aaaa",
    }
)
DNS_NUMBERS = {"ndots": 15, "timeout": 30, "attempts": 5}

# Options of the file-based log drivers and the check of each value (dockerd refuses others).
_LOG_FILE_OPTIONS = {"max-size", "max-file", "compress"}
LOG_DRIVER_OPTIONS = {
    "json-file": _LOG_FILE_OPTIONS | {"labels", "labels-regex", "env", "env-regex", "tag"},
    "local": _LOG_FILE_OPTIONS,
}

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


def _items(v: Mapping[str, Any], name: str) -> list[Any]:
    value = v.get(name)
    return value if isinstance(value, list) else []


def _check_lists(p: Problems, v: Mapping[str, Any]) -> None:
    for name in LIST_VARIABLES:
        if v.get(name) is not None:
            p.listing(name, v[name])


def _check_registries(p: Problems, v: Mapping[str, Any]) -> None:
    for i, mirror in enumerate(_items(v, "docker_registry_mirrors")):
        p.check(
            is_url(mirror, ("http", "https")),
            f"docker_registry_mirrors[{i}] '{mirror}' is not a URL with a scheme, e.g. https://mirror.lab:5000",
        )
    for i, reg in enumerate(_items(v, "docker_insecure_registries")):
        if "://" in str(reg):
            p.add(f"docker_insecure_registries[{i}] '{reg}' takes host[:port] or a CIDR, without a scheme")
        else:
            p.check(
                is_cidr(reg) or is_host_port(reg),
                f"docker_insecure_registries[{i}] '{reg}' is neither host[:port] nor a CIDR",
            )


def _check_dns(p: Problems, v: Mapping[str, Any]) -> None:
    for i, server in enumerate(_items(v, "docker_dns")):
        p.check(is_ip(server), f"docker_dns[{i}] '{server}' is not an IP address (Docker takes no host names here)")
    for i, domain in enumerate(_items(v, "docker_dns_search")):
        p.check(is_hostname(domain), f"docker_dns_search[{i}] '{domain}' is not a domain name")
    for i, option in enumerate(_items(v, "docker_dns_options")):
        name, sep, number = str(option).partition(":")
        if name in DNS_NUMBERS:
            p.check(
                bool(sep) and number.isdigit() and is_whole(number, 0, DNS_NUMBERS[name]),
                f"docker_dns_options[{i}] '{option}' needs a number: {name}:0 to {name}:{DNS_NUMBERS[name]}",
            )
        else:
            p.check(
                name in DNS_FLAGS and not sep,
                f"docker_dns_options[{i}] '{option}' is not a resolv.conf option "
                f"(ndots:n, timeout:n, attempts:n, {', '.join(sorted(DNS_FLAGS))})",
            )


def _check_pools(p: Problems, v: Mapping[str, Any]) -> None:
    for i, pool in enumerate(_items(v, "docker_default_address_pools")):
        pool = pool if isinstance(pool, Mapping) else {}
        base, size = pool.get("base"), pool.get("size")
        if not is_cidr(base):
            p.add(
                f"docker_default_address_pools[{i}].base '{base}' is not a CIDR such as 10.200.0.0/16 or fd00:d0c::/48"
            )
            continue
        network = ipaddress.ip_network(str(base), strict=False)
        p.check(
            isinstance(size, int) and not isinstance(size, bool) and network.prefixlen <= size <= network.max_prefixlen,
            f"docker_default_address_pools[{i}].size '{size}' must be a prefix length between the base's "
            f"({network.prefixlen}) and {network.max_prefixlen}",
        )


def _check_service(p: Problems, v: Mapping[str, Any]) -> None:
    for i, host in enumerate(_items(v, "docker_daemon_hosts")):
        host = str(host)
        ok = (
            host == "fd://"
            or (host.startswith("unix:///") and is_abs_path(host[len("unix://") :]))
            or (host.startswith("tcp://") and is_url(host, ("tcp",)) and urlsplit(host).port is not None)
        )
        p.check(ok, f"docker_daemon_hosts[{i}] '{host}' must be fd://, unix:///path or tcp://host:port")
    proxy = v.get("docker_proxy") or {}
    for key in ("http", "https"):
        url = proxy.get(key) if isinstance(proxy, Mapping) else None
        if url:
            p.check(
                is_url(url, ("http", "https", "socks5")),
                f"docker_proxy.{key} '{url}' is not a URL with a scheme, e.g. http://proxy.lab:3128",
            )
    for name, value in (v.get("docker_service_environment") or {}).items():
        if not is_env_name(name):
            p.add(f"docker_service_environment: '{name}' is not an environment variable name")
        elif isinstance(value, (dict, list)) or any(c in str(value) for c in '\n"\\'):
            p.add(f"docker_service_environment.{name} must be a plain value without newlines, quotes or backslashes")
    root = v.get("docker_data_root")
    if root:
        p.check(is_abs_path(root), f"docker_data_root '{root}' must be an absolute path other than /")
    version = v.get("docker_version")
    if version:
        p.check(
            bool(re.fullmatch(r"\d+(\.\d+){0,2}", str(version))),
            f"docker_version '{version}' must look like 27, 27.3 or 27.3.1",
        )


def _check_log_options(p: Problems, v: Mapping[str, Any]) -> None:
    options = v.get("docker_log_options") or {}
    if not p.mapping("docker_log_options", options, "a mapping of log option to value, e.g. {max-size: 10m}"):
        return
    driver = str(v.get("docker_log_driver") or "json-file")
    known = LOG_DRIVER_OPTIONS.get(driver)
    for key, value in options.items():
        name = f"docker_log_options.{key}"
        if isinstance(value, (Mapping, list)) or value is None:
            p.add(f"{name} must be a single value (log options are strings in daemon.json), got {show(value)}")
        elif known is not None and key not in known:
            p.add(f"{name}: the {driver} log driver has no option '{key}' (it has: {', '.join(sorted(known))})")
        elif known is not None and key == "max-size":
            p.check(
                size_in_bytes(value) not in (None, 0) and not isinstance(value, int),
                f"{name} must be a size such as 10m, 512k or 1g, got {show(value)}",
            )
        elif known is not None and key == "max-file":
            p.check(is_whole(value, 1), f"{name} must be a whole number of files of at least 1, got {show(value)}")
        elif known is not None and key == "compress":
            p.check(str(value).lower() in ("true", "false"), f"{name} must be true or false, got {show(value)}")
    if known is not None and is_whole(options.get("max-file"), 2) and "max-size" not in options:
        p.add("docker_log_options.max-file needs max-size: without it the log is never rotated into several files")


def _check_free_form(p: Problems, v: Mapping[str, Any]) -> None:
    options = v.get("docker_daemon_options") or {}
    if not p.mapping("docker_daemon_options", options, "a mapping of daemon.json key to value"):
        return
    first_class = docker_daemon_prune(_settings(v))
    for key in sorted(options, key=str):
        if key in first_class:
            p.add(
                f"docker_daemon_options.{key} is also set by {KEY_VARIABLES[key]}: set it in one place "
                f"(use {KEY_VARIABLES[key]}, or empty it to set {key} here)"
            )
        elif key == "proxies" and _proxy_set(v):
            p.add("docker_daemon_options.proxies is also set by docker_proxy: set it in one place")
        elif key not in KNOWN_KEYS and v.get("docker_daemon_unknown_keys", "fail") != "allow":
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            p.add(
                f"docker_daemon_options.{key} is not a daemon.json key dockerd knows: {hint}"
                "(set docker_daemon_unknown_keys: allow for a key newer than this role)"
            )


def docker_daemon_input_errors(v: dict[str, Any]) -> list[str]:
    """Messages for every bad input in `v` (the role's variables, by name)."""
    p = Problems()
    _check_lists(p, v)
    _check_registries(p, v)
    _check_dns(p, v)
    _check_pools(p, v)
    _check_service(p, v)
    _check_log_options(p, v)
    _check_free_form(p, v)
    return p.messages


def _proxy_set(v: Mapping[str, Any]) -> bool:
    proxy = v.get("docker_proxy") or {}
    return bool(proxy.get("http") or proxy.get("https"))


def _settings(v: Mapping[str, Any]) -> dict[str, Any]:
    """daemon.json from the first-class variables, before pruning."""
    log_options = v.get("docker_log_options") or {}
    return {
        "registry-mirrors": v.get("docker_registry_mirrors"),
        "insecure-registries": v.get("docker_insecure_registries"),
        "dns": v.get("docker_dns"),
        "dns-search": v.get("docker_dns_search"),
        "dns-opts": v.get("docker_dns_options"),
        "log-driver": v.get("docker_log_driver"),
        # log-opts values are strings in daemon.json: max-file: 3 would be refused.
        "log-opts": {str(k): _as_string(val) for k, val in log_options.items()}
        if isinstance(log_options, Mapping)
        else {},
        "data-root": v.get("docker_data_root"),
        "live-restore": bool(v.get("docker_live_restore")) and not v.get("docker_swarm_node"),
        "default-address-pools": v.get("docker_default_address_pools"),
        "hosts": v.get("docker_daemon_hosts"),
    }


def _as_string(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def docker_daemon_config(v: dict[str, Any], engine_major: int) -> dict[str, Any]:
    """The daemon.json content: first-class settings, `proxies` where the engine reads it, free-form keys last."""
    config = docker_daemon_prune(_settings(v))
    if _proxy_set(v) and int(engine_major) >= PROXIES_MIN_MAJOR:
        config["proxies"] = docker_daemon_prune(_proxies(v))
    config.update(v.get("docker_daemon_options") or {})
    return config


def _proxies(v: Mapping[str, Any]) -> dict[str, Any]:
    proxy = v.get("docker_proxy") or {}
    return {
        "http-proxy": proxy.get("http", ""),
        "https-proxy": proxy.get("https", ""),
        "no-proxy": proxy.get("no_proxy", ""),
    }


def docker_daemon_expected(v: dict[str, Any], engine_major: int) -> dict[str, Any]:
    """What `docker info` must show: the written daemon.json, plus the proxy dockerd got from its environment."""
    config = docker_daemon_config(v, engine_major)
    if _proxy_set(v):
        config["proxies"] = _proxies(v)
    return config


def docker_daemon_environment(v: dict[str, Any], engine_major: int) -> dict[str, str]:
    """dockerd's environment drop-in: the proxy on engines older than 23, then docker_service_environment."""
    environment: dict[str, str] = {}
    if _proxy_set(v) and int(engine_major) < PROXIES_MIN_MAJOR:
        proxies = _proxies(v)
        environment = {
            "HTTP_PROXY": proxies["http-proxy"],
            "HTTPS_PROXY": proxies["https-proxy"],
            "NO_PROXY": proxies["no-proxy"],
        }
    environment.update({str(k): _as_string(val) for k, val in (v.get("docker_service_environment") or {}).items()})
    return environment


def docker_engine_major(version_output: str | None) -> int:
    """'Docker version 20.10.24+dfsg1, build 297e128' -> 20; unknown (not installed yet) -> 99, a current engine."""
    match = re.search(r"(\d+)\.\d+", version_output or "")
    return int(match.group(1)) if match else 99


def docker_exec_start(exec_start: str | None) -> str:
    """The unit's dockerd command line from systemd's ExecStart status, without `-H fd://`."""
    match = re.search(r"argv\[\]=([^;]+)", exec_start or "")
    return re.sub(r"\s-H\s*fd://", "", match.group(1)).strip() if match else ""


def docker_daemon_apply(changed_keys: list[str], unit_active: bool, dropins_changed: bool, file_removed: bool) -> str:
    """'reloaded' when dockerd runs, no drop-in changed, the file stays and every changed key is reloadable."""
    if unit_active and not dropins_changed and not file_removed and set(changed_keys) <= RELOADABLE_KEYS:
        return "reloaded"
    return "restarted"


def docker_daemon_prune(config: dict[str, Any]) -> dict[str, Any]:
    """Drop unset settings (None, '', [], {}); keep false and 0."""
    return {k: val for k, val in config.items() if val is not None and val != "" and val != [] and val != {}}


def docker_daemon_changed_keys(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The top-level keys whose value differs between two daemon.json contents, sorted."""
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def docker_live_restore_kept(host_info: Mapping[str, Any] | None) -> list[str]:
    """Ids of the running containers in a docker_host_info result (containers: true) when
    live-restore is on: they outlive dockerd's stop, and a dockerd that starts with live-restore
    off stops them and marks them stopped by hand, so no restart policy brings them back.
    Empty when live-restore is off (dockerd stops its containers itself and their restart
    policies decide; swarm tasks are never touched) or when dockerd did not answer."""
    result = host_info or {}
    if result.get("failed") or not (result.get("host_info") or {}).get("LiveRestoreEnabled"):
        return []
    return [str(c["Id"]) for c in result.get("containers") or [] if isinstance(c, Mapping) and c.get("Id")]


# The suffix of a file the apply sets aside instead of deleting (systemd reads only *.conf
# drop-ins and dockerd only daemon.json, so neither reads it); the roll-back puts it back.
SET_ASIDE_SUFFIX = ".dockyard-removed"
# The mode of every file the apply writes.
FILE_MODE = "0644"


def _is_dir(record: Mapping[str, Any] | None) -> bool:
    return bool(record and record.get("exists") and record.get("isdir"))


def docker_daemon_writes(
    files: Mapping[str, Any], daemon_json: str, daemon_text: str | None, dropin_dir: str,
    dropins: Mapping[str, str | None],
) -> dict[str, Any]:
    """What the safe apply must write or set aside, from host_state's `files` read.

    `daemon_text` is the daemon.json the role writes, None when there is nothing to set (an
    existing file is then set aside); `dropins` maps each drop-in's name to the text the role
    writes, None when it is not wanted (an existing one is set aside). `files` must hold the
    records of daemon.json, its folder, the drop-in folder and each drop-in. Returns
    {config_dir, daemon_json, daemon_json_aside, dropin_dir: bool, dropins_write: [{name, text}],
    dropins_aside: [names], any: bool}: each is true (or listed) only where the host differs
    (missing folder, other content or mode, a file to set aside that exists).
    """
    wanted = {name: text for name, text in dropins.items() if text is not None}
    plan: dict[str, Any] = {
        "config_dir": not _is_dir(files.get(posixpath.dirname(daemon_json))),
        "daemon_json": daemon_text is not None and host_file_differs(files.get(daemon_json), daemon_text, FILE_MODE),
        "daemon_json_aside": daemon_text is None and bool((files.get(daemon_json) or {}).get("exists")),
        "dropin_dir": bool(wanted) and not _is_dir(files.get(dropin_dir)),
        "dropins_write": [
            {"name": name, "text": text} for name, text in wanted.items()
            if host_file_differs(files.get(f"{dropin_dir}/{name}"), text, FILE_MODE)
        ],
        "dropins_aside": [
            name for name, text in dropins.items()
            if text is None and (files.get(f"{dropin_dir}/{name}") or {}).get("exists")
        ],
    }
    plan["any"] = any(plan.values())
    return plan


def docker_rollback_plan(written: list[Any] | None, set_aside: list[Any] | None) -> dict[str, list[Any]]:
    """From the registered results of a failed apply:
    - written: copy/template results (one per file, skipped or failed ones included);
    - set_aside: results of `mv -f PATH PATH.dockyard-removed` (command, argv).
    Returns {"restore": [{"src": backup, "dest": path}], "remove": [path]}: the files the run
    wrote over or set aside come back from their backup, the ones it created go."""
    restore: list[dict[str, str]] = []
    remove: list[str] = []
    for result in written or []:
        if not isinstance(result, Mapping) or not result.get("dest"):
            continue
        if result.get("backup_file"):
            restore.append({"src": str(result["backup_file"]), "dest": str(result["dest"])})
        elif result.get("changed"):
            remove.append(str(result["dest"]))
    for result in set_aside or []:
        if not isinstance(result, Mapping) or not result.get("changed"):
            continue
        argv = result.get("cmd")
        if isinstance(argv, list) and len(argv) >= 2 and str(argv[-1]).endswith(SET_ASIDE_SUFFIX):
            restore.append({"src": str(argv[-1]), "dest": str(argv[-2])})
    return {"restore": restore, "remove": remove}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "docker_daemon_input_errors": docker_daemon_input_errors,
            "docker_daemon_config": docker_daemon_config,
            "docker_daemon_expected": docker_daemon_expected,
            "docker_daemon_environment": docker_daemon_environment,
            "docker_daemon_apply": docker_daemon_apply,
            "docker_engine_major": docker_engine_major,
            "docker_exec_start": docker_exec_start,
            "docker_daemon_prune": docker_daemon_prune,
            "docker_daemon_changed_keys": docker_daemon_changed_keys,
            "docker_daemon_mismatches": docker_daemon_mismatches,
            "docker_daemon_variables": docker_daemon_variables,
            "docker_live_restore_kept": docker_live_restore_kept,
            "docker_info_answered": docker_info_answered,
            "docker_rollback_plan": docker_rollback_plan,
            "docker_daemon_writes": docker_daemon_writes,
        }
