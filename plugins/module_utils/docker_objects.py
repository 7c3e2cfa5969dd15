"""The Docker objects a role manages, read from the Engine API's socket and indexed by name.

Shared by the host_state module (its `docker` option: one round trip reads a role's
containers, images, volumes and networks) and the docker_state filter (the same index of a
community.docker.docker_host_info result). The roles decide from this index which change
tasks must run (plugins/filter/docker_state.py: docker_container_drift).

Why not docker_host_info for the read: a warm re-run reads three roles' objects, and
docker_host_info costs a packing of its vendored Docker API client in every run (0.6 s on the
controller) and 0.25-0.3 s of its own work on the host each time; this reads the same API
lists (`GET /containers/json`, `/images/json`, `/volumes`, `/networks`, the same entries as
docker_host_info's verbose_output) with Python's standard library.

Only a local socket (unix:///var/run/docker.sock or another path) is read: the roles manage
the Docker of the host they run on.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

KINDS = ("containers", "images", "volumes", "networks")
DEFAULT_SOCKET = "/var/run/docker.sock"


class DockerReadError(Exception):
    """Docker could not be read: no socket, no permission, or an API error."""


def index_objects(listed: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The API's lists -> {containers: {name: c}, images: {repo:tag: i}, volumes: {...}, networks: {...}}.

    Containers are keyed by their name without the leading '/', images by each of their tags
    (the API's name filters match substrings: look names up exactly in this index). A kind
    that was not read is empty.
    """
    containers = {name.lstrip("/"): c for c in listed.get("containers") or [] for name in c.get("Names") or []}
    images = {tag: i for i in listed.get("images") or [] for tag in i.get("RepoTags") or []}
    volumes = {v["Name"]: v for v in listed.get("volumes") or [] if "Name" in v}
    networks = {n["Name"]: n for n in listed.get("networks") or [] if "Name" in n}
    return {"containers": containers, "images": images, "volumes": volumes, "networks": networks}


def list_paths(wanted: Mapping[str, list[str]]) -> dict[str, str]:
    """The API path that lists each kind asked for, filtered on the names (containers stopped too).

    wanted: kind -> names (containers, volumes, networks) or references (images); a kind with
    no names is not read.
    """
    filter_key = {"containers": "name", "images": "reference", "volumes": "name", "networks": "name"}
    base = {"containers": "/containers/json?all=1&", "images": "/images/json?", "volumes": "/volumes?",
            "networks": "/networks?"}
    paths = {}
    for kind in KINDS:
        names = [str(n) for n in wanted.get(kind) or []]
        if names:
            paths[kind] = base[kind] + "filters=" + quote(json.dumps({filter_key[kind]: names}), safe="")
    return paths


def _get_json(socket_path: str, path: str, timeout: float) -> Any:
    """GET `path` from the Engine API on a unix socket; DockerReadError unless 200 with JSON."""
    import http.client
    import socket

    class _UnixConnection(http.client.HTTPConnection):
        def connect(self) -> None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(socket_path)
            self.sock = sock

    connection = _UnixConnection("localhost", timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "docker"})
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as err:
        raise DockerReadError(f"cannot reach Docker at {socket_path}: {err}. Is Docker installed and running?") from err
    finally:
        connection.close()
    if response.status != 200:
        message = body.decode(errors="replace").strip()
        with contextlib.suppress(ValueError, AttributeError):
            message = json.loads(message).get("message", message)
        raise DockerReadError(f"Docker answered GET {path.split('?')[0]} with {response.status}: {message}")
    try:
        return json.loads(body)
    except ValueError as err:
        raise DockerReadError(f"Docker answered GET {path.split('?')[0]} with no JSON: {err}") from err


def read_objects(wanted: Mapping[str, list[str]], socket_path: str = DEFAULT_SOCKET,
                 timeout: float = 30.0) -> dict[str, dict[str, Any]]:
    """Read the objects named in `wanted` (see list_paths) from Docker's socket, indexed by name."""
    listed: dict[str, Any] = {}
    for kind, path in list_paths(wanted).items():
        answer = _get_json(socket_path, path, timeout)
        # GET /volumes answers {"Volumes": [...], "Warnings": ...}; the others a list.
        listed[kind] = (answer.get("Volumes") if isinstance(answer, dict) else answer) or []
    return index_objects(listed)
