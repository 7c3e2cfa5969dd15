#!/usr/bin/python
"""dockyard.lab.docker_doctor: diagnose a Docker host in one round trip, changing nothing."""

from __future__ import annotations

DOCUMENTATION = r"""
module: docker_doctor
short_description: Diagnose a Docker host, one check a line, each with its fix
version_added: 0.2.0
description:
  - Reads the host in one round trip and returns one line per check, each C(OK), C(WARN), C(FAIL) or
    C(SKIP) (nothing to check here, or the engine does not answer) with the fix in one sentence.
  - "Checks: the engine (installed, docker.service running and enabled, client and server versions);
    C(/etc/docker/daemon.json) parses and C(docker info) shows what it sets; C(dockerd --validate) where
    the engine has it; each of O(docker_users) is in the docker group and runs C(docker info) in a new
    login shell; each registry mirror answers C(/v2/); each registry of C(certs.d) and O(registries)
    passes a TLS handshake with the system store and its C(certs.d) CAs; a container resolves the names
    the course needs; the demo app's C(/status) answers and its Redis counter rises; MongoDB answers a
    ping and holds its seeded collections; free space and inodes under Docker's data root; clock skew
    against the controller; swarm node state, managers and service replicas."
  - Changes nothing. It never starts dockerd (no C(docker) command runs while docker.service is
    stopped, since its socket would start it) and never pulls an image; the DNS probe runs in a running demo
    app container, or in a C(--rm) container from an image already present (O(probe_images)).
  - Always reports C(changed=false); supports check mode. Needs root (C(become)) for C(su) and Docker.
options:
  docker_users:
    description: Users who must use Docker without sudo (the docker role's C(docker_users)).
    type: list
    elements: str
    default: []
  expect_enabled:
    description: docker.service must be enabled at boot (the docker role's C(docker_service_enabled)).
    type: bool
    default: true
  daemon_json:
    description: Path of dockerd's configuration file.
    type: path
    default: /etc/docker/daemon.json
  certs_dir:
    description: Docker's per-registry certificate folder; each C(<host[:port]>) folder in it is a registry to check.
    type: path
    default: /etc/docker/certs.d
  registries:
    description: More registries (C(host[:port])) to check, such as the C(docker_registries) of C(ca_certificates_list).
    type: list
    elements: str
    default: []
  demo_app:
    description:
      - The demo app on this host (the demo_app role's settings); omit where it is not deployed.
      - C(replicas) is a list of C({name, port}) (the C(dockyard.lab.demo_app_replicas) filter), C(host_ip)
        the address its ports are published on, C(redis_container) and C(network) as the role names them.
    type: dict
  mongo:
    description:
      - MongoDB on this host (the mongo role's settings); omit where it is not deployed.
      - Keys C(container), C(database), C(collections) (the seeded ones) and C(auth) (collections are not
        read when authentication is on, as the doctor has no credentials).
    type: dict
  swarm_role:
    description: The host's swarm group role, C(manager), C(worker), or empty when it is in no swarm group.
    type: str
    choices: ['', manager, worker]
    default: ''
  probe_images:
    description: Images, in order of preference, to run the DNS probe container from when no demo app
      container runs; only one already present is used.
    type: list
    elements: str
    default: []
  controller_time:
    description: The controller's clock (seconds since the epoch) when the task started; no clock check without it.
    type: float
  disk_warn_percent:
    description: WARN when less than this share of the data root's file system is free.
    type: float
    default: 15
  disk_fail_percent:
    description: FAIL when less than this share is free.
    type: float
    default: 5
  inodes_warn_percent:
    description: WARN when less than this share of the file system's inodes is free.
    type: float
    default: 10
  inodes_fail_percent:
    description: FAIL when less than this share of the inodes is free.
    type: float
    default: 5
  clock_warn_seconds:
    description: WARN when the host's clock is this far from the controller's (the measure includes the
      task's transfer).
    type: float
    default: 5
  clock_fail_seconds:
    description: FAIL from this far (TLS and swarm joins fail on skew).
    type: float
    default: 60
  timeout:
    description: Seconds to wait for each network answer (mirror, registry, demo app).
    type: float
    default: 5
author: dockyard
"""

EXAMPLES = r"""
- name: Diagnose the host
  dockyard.lab.docker_doctor:
    docker_users: [student]
    demo_app:
      replicas: [{name: friendlyhello-1, port: 4000}]
      host_ip: 0.0.0.0
      redis_container: friendlyhello-redis
      network: friendlyhello
    mongo: {container: mymongo, database: artists, collections: [photographers], auth: false}
    controller_time: "{{ now().timestamp() }}"
  become: true
  register: doctor
"""

RETURN = r"""
checks:
  description: One entry per check, in a fixed order.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: What was checked, e.g. C(engine) or C(docker group: student)., type: str}
    status: {description: OK, WARN, FAIL or SKIP., type: str}
    message: {description: What the doctor found., type: str}
    fix: {description: The fix in one sentence (empty for OK and SKIP)., type: str}
status:
  description: The worst status of the host (OK, WARN or FAIL).
  returned: always
  type: str
"""

import glob  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import ssl  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from typing import Any  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.dockyard.lab.plugins.module_utils import doctor as d  # noqa: E402
from ansible_collections.dockyard.lab.plugins.module_utils.docker_info import docker_info_answered  # noqa: E402
from ansible_collections.dockyard.lab.plugins.module_utils.host_reads import (  # noqa: E402
    file_content,
    group_members,
    parse_getent,
    parse_systemctl_show,
)

# The probe's loop: 'ok NAME' or 'no NAME' for each name given (getent: in every glibc image).
RESOLVE = 'for n; do if getent hosts "$n" >/dev/null; then echo "ok $n"; else echo "no $n"; fi; done'
UNIT_KEYS = "LoadState,ActiveState,SubState,UnitFileState"


def run(argv: list[str], timeout: float = 30) -> tuple[int, str]:
    """(rc, stdout + stderr); 127 when the command is missing, 124 on a timeout."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError:
        return 127, f"{argv[0]}: not found"
    except subprocess.TimeoutExpired:
        return 124, f"{' '.join(argv[:3])}: no answer within {timeout:g} s"
    return proc.returncode, proc.stdout + proc.stderr


def _context(registry: str, certs_dir: str) -> tuple[ssl.SSLContext, list[str]]:
    """The system store plus the registry's certs.d CAs (*.crt), as Docker trusts them."""
    context = ssl.create_default_context()
    cas = sorted(glob.glob(os.path.join(certs_dir, registry, "*.crt")))
    for ca in cas:
        context.load_verify_locations(cafile=ca)
    return context, cas


def http_get(url: str, timeout: float, context: ssl.SSLContext | None = None) -> tuple[int | None, str]:
    """(status, body) or (None, why); no proxy (the host's own view)."""
    handlers: list[Any] = [urllib.request.ProxyHandler({})]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    try:
        with urllib.request.build_opener(*handlers).open(url, timeout=timeout) as answer:
            return answer.status, answer.read(65536).decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))


def tls_error(registry: str, certs_dir: str, timeout: float) -> tuple[list[str], str]:
    """(CAs used, '' or why the handshake failed)."""
    try:
        host, port = d.registry_target(registry)
        context, cas = _context(registry, certs_dir)
        with socket.create_connection((host, port), timeout=timeout) as raw, context.wrap_socket(
            raw, server_hostname=host
        ):
            return cas, ""
    except (OSError, ValueError, ssl.SSLError) as error:
        return [], str(error)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "docker_users": {"type": "list", "elements": "str", "default": []},
            "expect_enabled": {"type": "bool", "default": True},
            "daemon_json": {"type": "path", "default": "/etc/docker/daemon.json"},
            "certs_dir": {"type": "path", "default": "/etc/docker/certs.d"},
            "registries": {"type": "list", "elements": "str", "default": []},
            "demo_app": {"type": "dict"},
            "mongo": {"type": "dict"},
            "swarm_role": {"type": "str", "choices": ["", "manager", "worker"], "default": ""},
            "probe_images": {"type": "list", "elements": "str", "default": []},
            "controller_time": {"type": "float"},
            "disk_warn_percent": {"type": "float", "default": 15},
            "disk_fail_percent": {"type": "float", "default": 5},
            "inodes_warn_percent": {"type": "float", "default": 10},
            "inodes_fail_percent": {"type": "float", "default": 5},
            "clock_warn_seconds": {"type": "float", "default": 5},
            "clock_fail_seconds": {"type": "float", "default": 60},
            "timeout": {"type": "float", "default": 5},
        },
        supports_check_mode=True,
    )
    p = module.params
    started = time.time()
    checks = diagnose(p, started)
    module.exit_json(changed=False, checks=checks, status=d.worst(checks))


def diagnose(p: dict[str, Any], started: float) -> list[dict[str, str]]:
    timeout = float(p["timeout"])
    checks: list[dict[str, str]] = []
    installed = bool(shutil.which("docker") and shutil.which("dockerd"))
    unit = None
    if shutil.which("systemctl") and os.path.isdir("/run/systemd/system"):
        rc, out = run(["systemctl", "show", "-p", UNIT_KEYS, "docker.service"])
        unit = parse_systemctl_show(out, ["docker.service"])["docker.service"] if rc == 0 else {}
    # A `docker` command while docker.service is stopped would start it through docker.socket.
    may_call = installed and (unit is None or unit.get("ActiveState") == "active")
    info: dict[str, Any] | None = None
    if may_call:
        rc, out = run(["docker", "info", "--format", "{{json .}}"])
        info = d.parse_json(out) if rc == 0 and docker_info_answered(out) else None
    # Even `docker --version` connects to the socket (Docker 20.10): only while dockerd runs.
    client = d.client_version(run(["docker", "--version"])[1]) if may_call else ""
    checks.append(d.engine_check(installed, unit, info is not None, info or {}, client, p["expect_enabled"]))

    path = p["daemon_json"]
    text = file_content(path)
    checks.append(d.daemon_json_check(path, text, info))
    config = d.daemon_json(text)[0] or {}
    rc, out = run(["dockerd", "--validate", "--config-file", path], 20) if text is not None else (0, "")
    checks.append(d.validate_check(path, text is not None, rc, out))

    groups = parse_getent(run(["getent", "group"])[1])
    users = parse_getent(run(["getent", "passwd"])[1])
    members = group_members(groups, "docker")
    for user in p["docker_users"]:
        login = None
        if info is not None and user in users and user in members:
            login = run(["su", "-", user, "-c", "docker info --format '{{.ServerVersion}}'"], 30)
        checks.append(d.user_check(user, user in users, members, login))

    shown = ((info or {}).get("RegistryConfig") or {}).get("Mirrors") or []
    mirrors = list(dict.fromkeys(str(m).rstrip("/") for m in [*(config.get("registry-mirrors") or []), *shown]))
    for url in mirrors:
        netloc = url.split("://", 1)[-1].split("/", 1)[0]
        context = _context(netloc, p["certs_dir"])[0] if url.startswith("https://") else None
        status, body = http_get(f"{url}/v2/", timeout, context)
        checks.append(d.mirror_check(url, status, body if status is None else ""))
    if not mirrors:
        checks.append(d.check("mirrors", d.SKIP, "no registry mirror configured"))

    insecure = set(config.get("insecure-registries") or [])
    found = sorted(os.listdir(p["certs_dir"])) if os.path.isdir(p["certs_dir"]) else []
    registries = [r for r in dict.fromkeys([*found, *p["registries"]]) if r not in insecure]
    for registry in registries:
        cas, error = tls_error(registry, p["certs_dir"], timeout)
        checks.append(d.registry_check(registry, cas, error, p["certs_dir"]))
    if not registries:
        checks.append(d.check("registries", d.SKIP, f"no private registry in {p['certs_dir']} or the inventory"))

    states: dict[str, str] = {}
    if info is not None:
        states = d.container_states(d.parse_json_lines(run(["docker", "ps", "-a", "--format", "{{json .}}"])[1]))
    demo = p["demo_app"] or {}
    replicas = [r for r in demo.get("replicas") or [] if isinstance(r, dict)]
    hosts = [u.split("://", 1)[-1].split("/")[0] for u in mirrors] + registries
    checks.append(dns(p, info, states, demo, replicas, hosts))

    if demo:
        checks.extend(demo_app(info, states, demo, replicas, timeout))
    else:
        checks.append(d.check("demo app /status", d.SKIP, "no demo app on this host"))
    mongo = p["mongo"] or {}
    if not mongo:
        checks.append(d.check("mongo", d.SKIP, "no MongoDB on this host"))
    elif info is None:
        checks.append(d.engine_down("mongo"))
    else:
        container, database = str(mongo.get("container")), str(mongo.get("database"))
        collections, auth = [str(c) for c in mongo.get("collections") or []], bool(mongo.get("auth"))
        rc, out = (run(["docker", "exec", container, "mongo-perso-shell", "--quiet", "--eval",
                        d.mongo_script(database, collections, auth)], 30)
                   if states.get(container) == "running" else (1, ""))
        checks.append(d.mongo_check(container, database, collections, auth, states, rc, out))

    root = str((info or {}).get("DockerRootDir") or config.get("data-root") or "/var/lib/docker")
    try:
        fs = os.statvfs(root)
        checks.append(d.space_check(root, fs.f_blocks * fs.f_frsize, fs.f_bavail * fs.f_frsize,
                                    p["disk_warn_percent"], p["disk_fail_percent"]))
        checks.append(d.inode_check(root, fs.f_files, fs.f_favail, p["inodes_warn_percent"], p["inodes_fail_percent"]))
    except OSError as error:
        checks.append(d.check("disk space", d.FAIL if installed else d.SKIP, f"cannot read {root}: {error}",
                              "re-run playbooks/docker.yml"))
    skew = None if p["controller_time"] is None else started - float(p["controller_time"])
    checks.append(d.clock_check(skew, p["clock_warn_seconds"], p["clock_fail_seconds"]))

    nodes: list[dict[str, Any]] = []
    services: list[dict[str, Any]] = []
    if info is not None and ((info.get("Swarm") or {}).get("ControlAvailable")):
        nodes = d.parse_json_lines(run(["docker", "node", "ls", "--format", "{{json .}}"])[1])
        services = d.parse_json_lines(run(["docker", "service", "ls", "--format", "{{json .}}"])[1])
    checks.extend(d.swarm_checks(p["swarm_role"], info, nodes, services))
    return checks


def dns(p: dict[str, Any], info: dict[str, Any] | None, states: dict[str, str], demo: dict[str, Any],
        replicas: list[dict[str, Any]], hosts: list[str]) -> dict[str, str]:
    """Resolve the names the course needs from a container on each network."""
    if info is None:
        return d.engine_down("container DNS")
    network = str(demo.get("network") or "")
    wanted = d.dns_names(network, states.get(str(demo.get("redis_container"))) == "running",
                         [d.registry_target(h)[0] if ":" in h else h for h in hosts])
    running = next((str(r["name"]) for r in replicas if states.get(str(r.get("name"))) == "running"), "")
    images = (i for i in p["probe_images"] if run(["docker", "image", "inspect", "--format", "{{.Id}}", i])[0] == 0)
    image = ""
    resolved: dict[str, dict[str, bool]] = {}
    errors: dict[str, str] = {}
    for net, names in wanted.items():
        if net == network and running:
            argv = ["docker", "exec", running, "sh", "-c", RESOLVE, "sh", *names]
        elif image or (image := next(images, "")):
            argv = ["docker", "run", "--rm", "--pull", "never", "--network", net, "--entrypoint", "sh", image,
                    "-c", RESOLVE, "sh", *names]
        else:
            errors[net] = f"no running demo app container and none of {p['probe_images'] or 'probe_images'} here"
            continue
        rc, out = run(argv, 60)
        resolved[net] = d.parse_resolved(out)
        if not resolved[net]:
            errors[net] = out.strip()[-200:] or f"rc {rc}"
    return d.dns_check(wanted, resolved, errors)


def demo_app(info: dict[str, Any] | None, states: dict[str, str], demo: dict[str, Any],
             replicas: list[dict[str, Any]], timeout: float) -> list[dict[str, str]]:
    """The demo app's /status on each replica, then the counter on the first."""
    if info is None:
        return [d.engine_down("demo app /status"), d.engine_down("demo app counter")]
    address = d.probe_address(str(demo.get("host_ip") or "0.0.0.0"))
    urls = {str(r.get("name")): f"http://{address}:{r.get('port')}/status" for r in replicas}
    answers: dict[str, tuple[str | None, str]] = {}
    for name, url in urls.items():
        status, body = http_get(url, timeout)
        answers[name] = (body, url) if status == 200 else (None, f"{url}: {body or f'HTTP {status}'}")
    first = next(iter(answers.values()), (None, ""))[0]
    second = None
    if first is not None:
        status, body = http_get(next(iter(urls.values())), timeout)
        second = body if status == 200 else None
    return [d.demo_app_check(answers, states),
            d.counter_check(first, second, str(demo.get("redis_container")), states)]


if __name__ == "__main__":
    main()
