"""The docker_doctor module's judgements: what each reading of a host means, in one line, with
the fix in one sentence.

Pure functions over what the module read (command output, parsed JSON, numbers), so that every
rule has a unit test (tests/unit/test_doctor.py) and the module only gathers. Each returns a
check: {name, status (OK, WARN, FAIL or SKIP), message, fix}; `fix` is '' when OK or SKIP.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ansible_collections.dockyard.lab.plugins.module_utils.checks import is_ip, split_host_port
from ansible_collections.dockyard.lab.plugins.module_utils.docker_info import (
    INFO_FIELDS,
    docker_daemon_mismatches,
    docker_daemon_variables,
)

OK, WARN, FAIL, SKIP = "OK", "WARN", "FAIL", "SKIP"
# Worst first: the order in which a summary ranks statuses.
STATUSES = (FAIL, WARN, OK, SKIP)
ENGINE_DOWN = "not checked: the engine does not answer (see the engine check)"
# The demo app's /status page (roles/demo_app/templates/app.py.j2).
STATUS_PAGE = re.compile(
    r"<h3>Hello (?P<name>.*)!</h3><b>Hostname:</b> (?P<hostname>[^<]*)<br/><b>Visits:</b> (?P<visits>.*)"
)
GIB = 1 << 30


def check(name: str, status: str, message: str, fix: str = "") -> dict[str, str]:
    """One line of the report."""
    return {"name": name, "status": status, "message": message, "fix": fix if status in (WARN, FAIL) else ""}


def engine_down(name: str) -> dict[str, str]:
    """A check that needs dockerd, while it does not answer."""
    return check(name, SKIP, ENGINE_DOWN)


def parse_json(text: str | None) -> Any:
    """JSON text -> value; None when it is empty or not JSON."""
    try:
        return json.loads(text or "")
    except ValueError:
        return None


def parse_json_lines(text: str | None) -> list[dict[str, Any]]:
    """`docker ... --format '{{json .}}'` output (one object a line) -> the objects."""
    rows = [parse_json(line) for line in (text or "").splitlines() if line.strip()]
    return [row for row in rows if isinstance(row, dict)]


def client_version(output: str | None) -> str:
    """'Docker version 20.10.24+dfsg1, build 297e128' -> '20.10.24+dfsg1' ('' when unknown)."""
    match = re.search(r"version\s+([^\s,]+)", output or "")
    return match.group(1) if match else ""


def engine_check(
    installed: bool, unit: Mapping[str, str] | None, answered: bool, info: Mapping[str, Any], client: str,
    expect_enabled: bool = True,
) -> dict[str, str]:
    """Docker installed, its unit running (and enabled when asked), dockerd answering; versions.

    unit: `systemctl show docker.service` properties, None on a host without systemd.
    """
    name = "engine"
    if not installed:
        return check(name, FAIL, "Docker is not installed (no docker or dockerd command)",
                     "install it with playbooks/docker.yml")
    active = (unit or {}).get("ActiveState", "")
    if unit is not None and unit.get("LoadState") != "loaded":
        return check(name, FAIL, "docker.service is not known to systemd",
                     "reinstall the engine with playbooks/docker.yml")
    if unit is not None and active != "active":
        return check(name, FAIL, f"docker.service is {active} ({unit.get('SubState', '?')}): dockerd is not running",
                     "start it: sudo systemctl start docker (sudo journalctl -u docker -n 50 says why it stopped)")
    if not answered:
        return check(name, FAIL, "dockerd does not answer on its socket",
                     "sudo systemctl restart docker, then read sudo journalctl -u docker -n 50")
    versions = f"Docker {info.get('ServerVersion', '?')} (client {client or '?'})"
    if unit is not None and expect_enabled and unit.get("UnitFileState") not in ("enabled", "static", "generated"):
        return check(name, WARN, f"{versions} runs, but docker.service is {unit.get('UnitFileState') or 'not enabled'}:"
                     " it will not start at boot", "sudo systemctl enable docker")
    return check(name, OK, f"{versions} runs" + (", enabled at boot" if unit is not None else ""))


def daemon_json(text: str | None) -> tuple[dict[str, Any] | None, str]:
    """daemon.json's text -> (settings, '') or (None, why it does not parse). A missing file is {}."""
    if text is None:
        return {}, ""
    if not text.strip():
        return None, "it is empty (dockerd refuses an empty file)"
    try:
        value = json.loads(text)
    except ValueError as error:
        return None, f"it is not JSON: {error}"
    if not isinstance(value, dict):
        return None, "it is not a JSON object"
    return value, ""


def _shown(info: Mapping[str, Any], key: str) -> Any:
    """What `docker info` shows for a daemon.json key, for a message."""
    registry = info.get("RegistryConfig") or {}
    if key == "registry-mirrors":
        return registry.get("Mirrors") or []
    if key == "insecure-registries":
        secure = registry.get("IndexConfigs") or {}
        return sorted(registry.get("InsecureRegistryCIDRs") or []) + sorted(
            name for name, index in secure.items() if isinstance(index, Mapping) and index.get("Secure") is False)
    return info.get(INFO_FIELDS.get(key, ""), "?")


def daemon_json_check(path: str, text: str | None, info: Mapping[str, Any] | None) -> dict[str, str]:
    """daemon.json parses, and `docker info` shows what it sets (info None: the engine does not answer)."""
    name = "daemon.json"
    config, error = daemon_json(text)
    if config is None:
        return check(name, FAIL, f"{path} does not parse: {error}",
                     f"fix {path} (or re-run playbooks/docker.yml, which writes it),"
                     " then sudo systemctl restart docker")
    if text is None:
        return check(name, OK, f"no {path}: dockerd runs with its defaults")
    if info is None:
        return check(name, SKIP, f"{path} parses; {ENGINE_DOWN}")
    bad = docker_daemon_mismatches(dict(info), config)
    if bad:
        detail = "; ".join(
            f"{key}: the file says {json.dumps(config[key])}, docker info shows {json.dumps(_shown(info, key))}"
            for key in bad
        )
        return check(name, FAIL, f"dockerd did not take {path}: {detail}",
                     f"set {', '.join(docker_daemon_variables(bad))} in the inventory and re-run playbooks/docker.yml"
                     " (or, for a hand edit you want, sudo systemctl restart docker)")
    unseen = sorted(k for k in config if k in ("dns", "dns-search", "dns-opts"))
    note = f" ({', '.join(unseen)}: not shown by docker info; the container DNS check covers them)" if unseen else ""
    return check(name, OK, f"{path} parses and docker info shows its settings{note}")


def validate_check(path: str, exists: bool, rc: int, output: str) -> dict[str, str]:
    """`dockerd --validate --config-file PATH`: OK, FAIL, or SKIP where this dockerd lacks the flag."""
    name = "dockerd --validate"
    if not exists:
        return check(name, SKIP, f"no {path} to validate")
    if rc == 127:
        return check(name, SKIP, "dockerd is not installed")
    if rc != 0 and re.search(r"unknown flag|flag provided but not defined", output):
        return check(name, SKIP, "this dockerd has no --validate (Docker 23 and later have it)")
    if rc != 0:
        return check(name, FAIL, f"dockerd refuses {path}: {output.strip()[-300:]}",
                     f"fix the key it names in {path} (or re-run playbooks/docker.yml)")
    return check(name, OK, f"dockerd accepts {path}")


def user_check(user: str, exists: bool, members: Iterable[str], login: tuple[int, str] | None) -> dict[str, str]:
    """A docker_users member: in the docker group, and Docker works in a new login shell.

    login: (rc, output) of `su - USER -c 'docker info'`; None when the engine does not answer.
    """
    name = f"docker group: {user}"
    if not exists:
        return check(name, FAIL, f"user {user} does not exist", "create it, or remove it from docker_users")
    if user not in set(members):
        return check(name, FAIL, f"{user} is not in the docker group: Docker needs sudo for them",
                     f"sudo usermod -aG docker {user} (or re-run playbooks/docker.yml), then {user} logs in again")
    if login is None:
        return check(name, SKIP, f"{user} is in the docker group; new login {ENGINE_DOWN}")
    rc, output = login
    if rc != 0:
        return check(name, FAIL, f"{user} is in the docker group, but docker info in a new login fails: "
                     f"{output.strip()[-200:]}", f"read the error above; {user}'s shell must allow logins")
    return check(name, OK, f"{user} is in the docker group; a new login runs docker info")


def mirror_check(url: str, status: int | None, error: str) -> dict[str, str]:
    """GET <mirror>/v2/: a registry answers 200, or 401 when it wants a login."""
    name = f"mirror: {url}"
    fix = f"start the mirror at {url}, or take it out of docker_registry_mirrors and re-run playbooks/docker.yml"
    if status is None:
        return check(name, FAIL, f"{url.rstrip('/')}/v2/ does not answer: {error}", fix)
    if status not in (200, 401):
        return check(name, FAIL, f"{url.rstrip('/')}/v2/ answers HTTP {status}: not a registry API", fix)
    return check(name, OK, f"{url.rstrip('/')}/v2/ answers HTTP {status}")


def registry_target(registry: str) -> tuple[str, int]:
    """'reg.lab:5000' -> ('reg.lab', 5000); a registry without a port is on 443."""
    host, port = split_host_port(registry)
    return host.strip("[]"), int(port) if port else 443


def registry_check(registry: str, cas: Sequence[str], error: str, certs_dir: str) -> dict[str, str]:
    """A TLS handshake with the registry, trusting the system store plus certs.d/<registry>/*.crt."""
    name = f"registry TLS: {registry}"
    where = f"{certs_dir}/{registry}/ca.crt"
    trust = f"the system store and {', '.join(cas)}" if cas else f"the system store (no CA in {certs_dir}/{registry}/)"
    if not error:
        return check(name, OK, f"the certificate of {registry} verifies against {trust}")
    if "CERTIFICATE_VERIFY_FAILED" in error or "certificate verify failed" in error:
        return check(name, FAIL, f"the certificate of {registry} does not verify against {trust}: {error}",
                     f"give the host the registry's CA: a ca_certificates_list entry with docker_registries:"
                     f" [{registry}] (playbooks/docker.yml), or copy it to {where}")
    return check(name, FAIL, f"no TLS handshake with {registry}: {error}",
                 f"start the registry at {registry} (playbooks/registry.yml), or remove {certs_dir}/{registry}/")


def dns_names(demo_network: str, redis_running: bool, hosts: Iterable[str]) -> dict[str, list[str]]:
    """{network: names a container on it must resolve}: `redis` on the demo app's network (while
    Redis runs: a stopped one is the counter check's finding), and the registries' and mirrors'
    host names (not addresses, not localhost) on the default bridge."""
    names: dict[str, list[str]] = {}
    if demo_network and redis_running:
        names[demo_network] = ["redis"]
    public = sorted({h for h in hosts if h and not is_ip(h) and h != "localhost"})
    if public:
        names["bridge"] = public
    return names


def parse_resolved(output: str) -> dict[str, bool]:
    """Lines 'ok NAME' / 'no NAME' of the probe's loop -> {name: resolved}."""
    found: dict[str, bool] = {}
    for line in output.splitlines():
        verdict, _, name = line.strip().partition(" ")
        if verdict in ("ok", "no") and name:
            found[name] = verdict == "ok"
    return found


def dns_check(wanted: Mapping[str, Sequence[str]], resolved: Mapping[str, Mapping[str, bool]],
              errors: Mapping[str, str]) -> dict[str, str]:
    """Every wanted name resolves in a container on its network."""
    name = "container DNS"
    if not wanted:
        return check(name, SKIP, "no name to resolve here (no demo app Redis running, no registry or mirror host name)")
    failed: list[str] = []
    done: list[str] = []
    for network, names in wanted.items():
        if network in errors:
            failed.append(f"no probe container on {network}: {errors[network]}")
            continue
        for host in names:
            (done if resolved.get(network, {}).get(host) else failed).append(f"{host} on {network}")
    if failed:
        return check(name, FAIL, f"a container does not resolve {'; '.join(failed)}",
                     "check the names and docker_dns (sudo docker network inspect NETWORK; docker run --rm IMAGE"
                     " getent hosts NAME), then re-run playbooks/docker.yml")
    return check(name, OK, f"a container resolves {', '.join(done)}")


def container_states(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """`docker ps -a --format '{{json .}}'` rows -> {name: state} ('running', 'exited', ...)."""
    states: dict[str, str] = {}
    for row in rows:
        state = str(row.get("State") or ("running" if str(row.get("Status", "")).startswith("Up") else "exited"))
        for container in str(row.get("Names", "")).split(","):
            states[container] = state
    return states


def _state(states: Mapping[str, str], container: str) -> str:
    return f"container {container} is {states.get(container, 'missing')}"


def probe_address(host_ip: str) -> str:
    """Where this host reaches a port published on `host_ip` (every interface: its loopback)."""
    loopback = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}
    return loopback.get(host_ip, f"[{host_ip}]" if ":" in host_ip else host_ip)


def visits(page: str | None) -> int | None:
    """The counter on the demo app's /status page; None when Redis did not count."""
    match = STATUS_PAGE.fullmatch((page or "").strip())
    if not match or not match.group("visits").isdigit():
        return None
    return int(match.group("visits"))


def demo_app_check(answers: Mapping[str, tuple[str | None, str]], states: Mapping[str, str]) -> dict[str, str]:
    """Each replica's /status answers. answers: {container: (page or None, url or error)}."""
    name = "demo app /status"
    down = [f"{url} ({_state(states, container)})" for container, (page, url) in answers.items()
            if page is None or not STATUS_PAGE.fullmatch(page.strip())]
    if down:
        first = next(c for c, (page, _) in answers.items() if page is None or not STATUS_PAGE.fullmatch(page.strip()))
        return check(name, FAIL, f"no demo app page at {'; '.join(down)}",
                     f"sudo docker start {first} (or re-run playbooks/demo_app.yml)")
    return check(name, OK, f"{len(answers)} replica(s) answer /status")


def counter_check(first: str | None, second: str | None, redis: str, states: Mapping[str, str]) -> dict[str, str]:
    """Two /status pages of one replica: the Redis counter rose."""
    name = "demo app counter"
    if first is None or second is None:
        return check(name, SKIP, "no /status page to count with (see the demo app /status check)")
    a, b = visits(first), visits(second)
    if a is None or b is None:
        return check(name, FAIL, f"/status answers without a count (Redis: {_state(states, redis)})",
                     f"sudo docker start {redis} (or re-run playbooks/demo_app.yml)")
    if b <= a:
        return check(name, FAIL, f"the counter did not rise ({a} then {b})",
                     f"read sudo docker logs {redis}; re-run playbooks/demo_app.yml")
    return check(name, OK, f"the Redis counter rose from {a} to {b}")


def mongo_script(database: str, collections: Sequence[str], auth: bool) -> str:
    """mongosh / mongo shell code printing {ping, counts} as JSON (no counts with auth on: no credentials)."""
    names = json.dumps([] if auth else list(collections))
    return (f"var counts = {{}}; {names}.forEach(function (n) {{ counts[n] = "
            f"db.getSiblingDB({json.dumps(database)}).getCollection(n).find().itcount(); }}); "
            "print(JSON.stringify({ping: db.adminCommand({ping: 1}).ok, counts: counts}));")


def mongo_check(container: str, database: str, collections: Sequence[str], auth: bool, states: Mapping[str, str],
                rc: int, output: str) -> dict[str, str]:
    """mongo-perso answers a ping and every seeded collection holds documents."""
    name = "mongo"
    if states.get(container) != "running":
        return check(name, FAIL, _state(states, container),
                     f"sudo docker start {container} (or re-run playbooks/mongo.yml)")
    lines = [line for line in output.splitlines() if line.strip().startswith("{")]
    answer = parse_json(lines[-1]) if lines else None
    if rc != 0 or not isinstance(answer, dict) or answer.get("ping") != 1:
        return check(name, FAIL, f"{container} does not answer a ping: {output.strip()[-200:]}",
                     f"read sudo docker logs {container}; sudo docker restart {container}")
    counts = answer.get("counts") or {}
    empty = [f"{database}.{c}" for c in collections if not auth and not counts.get(c)]
    if empty:
        return check(name, FAIL, f"{container} answers, but {', '.join(empty)} holds no document",
                     f"the seed runs on an empty data volume only: restore the data, or remove the volume and re-run"
                     f" playbooks/mongo.yml (this deletes {database})")
    seeded = "" if auth else f"; {', '.join(f'{database}.{c}: {counts.get(c)}' for c in collections)} document(s)"
    return check(name, OK, f"{container} answers a ping{seeded}" + (" (auth on: collections not read)" if auth else ""))


def _share_check(name: str, what: str, total: int, free: int, warn: float, fail: float, fix: str) -> dict[str, str]:
    """Free share of a file system's space or inodes: WARN below `warn` %, FAIL below `fail` %."""
    if total <= 0:
        return check(name, SKIP, f"{what}: the file system gives no count")
    percent = 100 * free / total
    status = FAIL if percent < fail else WARN if percent < warn else OK
    return check(name, status, f"{what} ({percent:.0f} %; WARN below {warn:g} %, FAIL below {fail:g} %)", fix)


def space_check(path: str, total: int, free: int, warn_percent: float, fail_percent: float) -> dict[str, str]:
    """Free space under the data root, in % of the file system."""
    return _share_check("disk space", f"{path}: {free / GIB:.1f} GiB free of {total / GIB:.1f} GiB", total, free,
                        warn_percent, fail_percent, "free space: sudo docker system prune (stopped containers, unused"
                        " images and networks), or grow the disk or move docker_data_root")


def inode_check(path: str, total: int, free: int, warn_percent: float, fail_percent: float) -> dict[str, str]:
    """Free inodes under the data root (file systems without an inode count are SKIP)."""
    return _share_check("inodes", f"{path}: {free} of {total} inodes free", total, free, warn_percent, fail_percent,
                        "remove unused images and build cache: sudo docker system prune; sudo docker builder prune")


def clock_check(skew: float | None, warn_seconds: float, fail_seconds: float) -> dict[str, str]:
    """The host's clock against the controller's (positive: the host is ahead)."""
    name = "clock"
    if skew is None:
        return check(name, SKIP, "no controller time given")
    size = abs(skew)
    status = FAIL if size >= fail_seconds else WARN if size >= warn_seconds else OK
    way = "ahead of" if skew > 0 else "behind"
    return check(name, status, f"{size:.1f} s {way} the controller (WARN from {warn_seconds:g} s, FAIL from"
                 f" {fail_seconds:g} s)",
                 "turn on time sync: sudo timedatectl set-ntp true (systemd-timesyncd or chrony)")


def replicas(text: str) -> tuple[int, int] | None:
    """`docker service ls`'s REPLICAS ('2/3', '1/1 (max 1 per node)') -> (running, wanted)."""
    match = re.match(r"\s*(\d+)/(\d+)", text or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def swarm_checks(role: str, info: Mapping[str, Any] | None, nodes: Sequence[Mapping[str, Any]],
                 services: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Node state, managers reachable, services at their replica count (the last two on managers).

    role: 'manager', 'worker', or '' when the inventory puts the host in no swarm group.
    nodes / services: `docker node ls` / `docker service ls` JSON rows (read on managers only).
    """
    if info is None:
        return [engine_down("swarm node")] if role else []
    swarm = info.get("Swarm") or {}
    state = str(swarm.get("LocalNodeState") or "inactive")
    if not role and state == "inactive":
        return [check("swarm node", SKIP, "not a swarm node (in no swarm group)")]
    if state != "active":
        error = f": {swarm['Error']}" if swarm.get("Error") else ""
        return [check("swarm node", FAIL, f"the node is {state}{error} (the inventory says {role or 'no swarm'})",
                      "re-run playbooks/swarm.yml")]
    manager = bool(swarm.get("ControlAvailable"))
    out = [check("swarm node", OK if (role or "manager") == ("manager" if manager else "worker") else WARN,
                 f"active as a {'manager' if manager else 'worker'} (the inventory says {role or 'no swarm'})",
                 "move the host to the swarm group it is in, or re-run playbooks/swarm.yml")]
    if not manager:
        remote = [str(m.get("Addr")) for m in swarm.get("RemoteManagers") or [] if isinstance(m, Mapping)]
        out.append(check("swarm managers", OK if remote else FAIL,
                         f"managers known: {', '.join(remote)}" if remote else "the worker knows no manager",
                         "re-run playbooks/swarm.yml (the worker joins again)"))
        return out
    unreachable = [f"{n.get('Hostname')} ({n.get('ManagerStatus')})" for n in nodes
                   if n.get("ManagerStatus") and n.get("ManagerStatus") not in ("Leader", "Reachable")]
    down = [f"{n.get('Hostname')} ({n.get('Status')})" for n in nodes if n.get("Status") != "Ready"]
    managers = sum(1 for n in nodes if n.get("ManagerStatus"))
    out.append(check("swarm managers", FAIL if unreachable or down else OK,
                     f"unreachable: {', '.join(unreachable + down)}" if unreachable or down
                     else f"{managers} manager(s) reachable, {len(nodes)} node(s) ready",
                     "start Docker on those nodes (or docker node rm the ones gone for good),"
                     " then re-run playbooks/swarm.yml"))
    short = []
    for service in services:
        count = replicas(str(service.get("Replicas", "")))
        if count and count[0] < count[1]:
            short.append(f"{service.get('Name')} {count[0]}/{count[1]}")
    # A global service's REPLICAS counts only the tasks the swarm means to run: a node whose task
    # keeps failing to start (a host port taken, measured) drops out of both sides ("2/2" on three
    # nodes). Compare with the nodes that can run tasks; placement constraints may lower that, so WARN.
    able = sum(1 for n in nodes if n.get("Status") == "Ready" and n.get("Availability", "Active") == "Active")
    partial = []
    for service in services:
        count = replicas(str(service.get("Replicas", "")))
        if str(service.get("Mode")) == "global" and count and count[0] < able:
            partial.append(f"{service.get('Name')} on {count[0]} of {able} nodes")
    fix = "read sudo docker service ps --no-trunc SERVICE for why tasks do not run"
    if short or not partial:
        out.append(check("swarm services", FAIL if short else OK,
                         f"below their replica count: {', '.join(short + partial)}" if short
                         else f"{len(services)} service(s) at their replica count", fix))
    else:
        out.append(check("swarm services", WARN,
                         f"global service(s) not on every ready node: {', '.join(partial)} (placement"
                         " constraints can explain it)", fix))
    return out


def worst(checks: Iterable[Mapping[str, str]]) -> str:
    """The worst status among `checks` (OK for none)."""
    found = {c.get("status") for c in checks}
    return next((s for s in STATUSES if s in found and s != SKIP), OK)
