#!/usr/bin/python
"""dockyard.lab.host_state: read what a role needs to decide, in one round trip."""

from __future__ import annotations

DOCUMENTATION = r"""
module: host_state
short_description: Read files, users, groups, packages, systemd units, probes and Docker objects in one round trip
version_added: 0.2.0
description:
  - Reads, without changing anything, the state a role needs to decide whether it has work to do
    on a host, so that a re-run that finds nothing to change costs one round trip instead of one
    per file, unit or package (each costs 0.25-0.9 s depending on the connection).
  - The roles compare what it returns with what they would write and run their change tasks
    (ansible.builtin.copy, ansible.builtin.apt, ...) only where something differs.
  - Always reports C(changed=false); supports check mode.
options:
  files:
    description:
      - Paths to C(stat). Each is returned under RV(files) with C(exists), C(isdir), C(islnk),
        C(mode) (4 octal digits), C(uid), C(gid), C(size), C(checksum) (SHA-1 of a regular
        file, as M(ansible.builtin.stat) computes it) and C(sha256).
    type: list
    elements: str
    default: []
  contents:
    description:
      - Text files to read whole (at most 1 MiB each); a missing one reads as null.
    type: list
    elements: str
    default: []
  getent:
    description: Databases to read whole, as M(ansible.builtin.getent) returns them.
    type: list
    elements: str
    choices: [passwd, group]
    default: []
  packages:
    description:
      - Package names whose installed version to read (dpkg on the Debian family, rpm elsewhere);
        null for a package that is not installed.
    type: list
    elements: str
    default: []
  units:
    description:
      - systemd units whose LoadState, ActiveState, SubState, UnitFileState, MainPID, ExecStart and Requires
        to read (C(systemctl show)).
    type: list
    elements: str
    default: []
  commands:
    description:
      - "Read-only probes to run, by name, each an argv list (no shell), e.g.
        C({dockerd_version: [dockerd, --version]}). A command that is not installed returns rc 127.
        Only commands that change nothing belong here."
    type: dict
    default: {}
  globs:
    description: Shell patterns to count matches of, by name.
    type: dict
    default: {}
  docker:
    description:
      - Docker objects to read by name from the Engine API's local socket (the lists
        C(GET /containers/json?all=1), C(/images/json), C(/volumes), C(/networks), filtered on the
        names, as M(community.docker.docker_host_info) returns them with C(verbose_output)).
      - Returned under RV(docker) indexed by exact name, as the C(dockyard.lab.docker_state) filter
        indexes a M(community.docker.docker_host_info) result.
      - The module fails, naming the socket, when Docker cannot be read.
    type: dict
    suboptions:
      containers:
        description: Container names (stopped ones are read too).
        type: list
        elements: str
        default: []
      images:
        description: Image references (C(name:tag)).
        type: list
        elements: str
        default: []
      volumes:
        description: Volume names.
        type: list
        elements: str
        default: []
      networks:
        description: Network names.
        type: list
        elements: str
        default: []
      socket:
        description: Path of Docker's unix socket.
        type: path
        default: /var/run/docker.sock
author: dockyard
"""

EXAMPLES = r"""
- name: Read what the docker role compares
  dockyard.lab.host_state:
    files: [/etc/docker/daemon.json, /etc/apt/preferences.d/dockyard-docker.pref]
    contents: [/etc/docker/daemon.json]
    getent: [passwd, group]
    packages: [docker.io, python3-docker]
    units: [docker.service]
    commands:
      dockerd_version: [dockerd, --version]
    globs:
      apt_lists: /var/lib/apt/lists/*_Packages*
  register: __docker_state

- name: Read the app's containers, image, volume and network
  dockyard.lab.host_state:
    docker:
      containers: [redis, web]
      images: ["friendlyhello:latest"]
      volumes: [redis-data]
      networks: [friendlyhello]
  register: __app_read
  # __app_read.docker.containers.web.State == 'running', ...
"""

RETURN = r"""
files:
  description: Path -> stat record (C(exists) false when missing).
  returned: always
  type: dict
contents:
  description: Path -> text, or null when missing.
  returned: always
  type: dict
getent:
  description: Database -> {key -> remaining fields}.
  returned: always
  type: dict
packages:
  description: Package -> installed version, or null.
  returned: always
  type: dict
units:
  description: Unit -> {property -> value}.
  returned: always
  type: dict
commands:
  description: Name -> {rc, stdout, stderr}.
  returned: always
  type: dict
globs:
  description: Name -> number of matching paths.
  returned: always
  type: dict
docker:
  description:
    - "{containers: {name: entry}, images: {repo:tag: entry}, volumes: {name: entry},
      networks: {name: entry}}: the API's list entries, keyed by exact name (images by each
      of their tags); a kind that was not asked for is empty."
  returned: when I(docker) is given
  type: dict
"""

import os  # noqa: E402
import shutil  # noqa: E402
from typing import Any  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.dockyard.lab.plugins.module_utils.docker_objects import (  # noqa: E402
    DEFAULT_SOCKET,
    DockerReadError,
    read_objects,
)
from ansible_collections.dockyard.lab.plugins.module_utils.host_reads import (  # noqa: E402
    UNIT_PROPERTIES,
    file_content,
    file_record,
    glob_count,
    parse_dpkg,
    parse_getent,
    parse_rpm,
    parse_systemctl_show,
)


def _packages(module: AnsibleModule, names: list[str]) -> dict[str, str | None]:
    if not names:
        return {}
    if shutil.which("dpkg-query"):
        fmt = "${Package}\t${db:Status-Abbrev}\t${Version}\n"
        _, out, _ = module.run_command(["dpkg-query", "-W", "-f", fmt, *names])
        return parse_dpkg(out, names)
    if shutil.which("rpm"):
        _, out, _ = module.run_command(["rpm", "-q", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\n", *names])
        return parse_rpm(out, names)
    module.fail_json(msg="host_state: neither dpkg-query nor rpm is installed: cannot read packages")
    raise AssertionError("unreachable")


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "files": {"type": "list", "elements": "str", "default": []},
            "contents": {"type": "list", "elements": "str", "default": []},
            "getent": {"type": "list", "elements": "str", "choices": ["passwd", "group"], "default": []},
            "packages": {"type": "list", "elements": "str", "default": []},
            "units": {"type": "list", "elements": "str", "default": []},
            "commands": {"type": "dict", "default": {}},
            "globs": {"type": "dict", "default": {}},
            "docker": {
                "type": "dict",
                "options": {
                    "containers": {"type": "list", "elements": "str", "default": []},
                    "images": {"type": "list", "elements": "str", "default": []},
                    "volumes": {"type": "list", "elements": "str", "default": []},
                    "networks": {"type": "list", "elements": "str", "default": []},
                    "socket": {"type": "path", "default": DEFAULT_SOCKET},
                },
            },
        },
        supports_check_mode=True,
    )
    p = module.params
    result: dict[str, Any] = {"changed": False}
    try:
        result["files"] = {path: file_record(path) for path in p["files"]}
        result["contents"] = {path: file_content(path) for path in p["contents"]}
    except (OSError, ValueError) as read_error:
        module.fail_json(msg=f"host_state: {read_error}")
    result["getent"] = {}
    for database in p["getent"]:
        rc, out, stderr = module.run_command(["getent", database])
        if rc != 0:
            module.fail_json(msg=f"host_state: getent {database} failed (rc {rc}): {stderr}")
        result["getent"][database] = parse_getent(out)
    result["packages"] = _packages(module, p["packages"])
    result["units"] = {}
    if p["units"]:
        rc, out, stderr = module.run_command(["systemctl", "show", "-p", ",".join(UNIT_PROPERTIES), *p["units"]])
        if rc != 0:
            module.fail_json(msg=f"host_state: systemctl show failed (rc {rc}): {stderr}")
        try:
            result["units"] = parse_systemctl_show(out, p["units"])
        except ValueError as parse_error:
            module.fail_json(msg=f"host_state: {parse_error}")
    result["commands"] = {}
    for name, argv in p["commands"].items():
        if not isinstance(argv, list) or not argv:
            module.fail_json(msg=f"host_state: commands.{name} must be a non-empty argv list")
        if shutil.which(str(argv[0])) is None and not os.path.isabs(str(argv[0])):
            result["commands"][name] = {"rc": 127, "stdout": "", "stderr": f"{argv[0]}: not found"}
            continue
        rc, out, stderr = module.run_command([str(a) for a in argv])
        result["commands"][name] = {"rc": rc, "stdout": out, "stderr": stderr}
    result["globs"] = {name: glob_count(str(pattern)) for name, pattern in p["globs"].items()}
    if p["docker"] is not None:
        try:
            result["docker"] = read_objects(p["docker"], p["docker"]["socket"])
        except DockerReadError as read_error:
            module.fail_json(msg=f"host_state: {read_error}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
