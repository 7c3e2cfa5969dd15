"""Filters behind "read the Docker state once, change only on drift" (mongo, demo_app's containers engine).

A role reads its containers, images, volumes and networks in ONE round trip
(dockyard.lab.host_state's `docker` option, indexed by name on the host) and decides from that
read which of its change tasks (docker_network, docker_volume, docker_container, ...) must run:
on a re-run that finds everything as it should be, none does, and a round trip of 0.3-0.9 s
per task is saved.

- docker_state: the same index of a community.docker.docker_host_info result (verbose_output:
  true), for a play that reads with that module (plugins/module_utils/docker_objects.py).
- docker_spec: the fingerprint of the settings a role gives docker_container, carried by the
  container as the label org.dockyard.spec, so that a changed setting is a drift.
- docker_container_drift: why a container must be (re)started, or '' when it runs as asked.

What a read cannot see: a container changed behind the role's back with `docker update` (its
restart policy or resources) keeps its label; remove the container and re-run to correct it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ansible_collections.dockyard.lab.plugins.module_utils.docker_objects import index_objects

SPEC_LABEL = "org.dockyard.spec"


def docker_state(host_info: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """docker_host_info's result -> {containers: {name: c}, images: {repo:tag: i}, volumes: {...}, networks: {...}}.

    Containers are keyed by their name without the leading '/', images by each of their tags.
    A section the read did not ask for is empty.
    """
    return index_objects(host_info)


def docker_spec(settings: Mapping[str, Any]) -> str:
    """A stable fingerprint (16 hex digits) of the settings a role gives a container.

    Leave secrets out of `settings`: the fingerprint is a label anybody with Docker access reads.
    """
    blob = json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def docker_container_drift(
    state: Mapping[str, Any], name: str, image: str, spec: str, networks: list[str] | None = None
) -> str:
    """Why container `name` must be started or created again, or '' when it runs as asked.

    As asked: it exists, runs, is not unhealthy, runs the image ID that the tag `image` has
    now, carries the label org.dockyard.spec == `spec`, and is attached to every network in
    `networks`. A missing image is no drift of the container's (the role's build reports it).
    """
    container = (state.get("containers") or {}).get(name)
    if not container:
        return "missing"
    if container.get("State") != "running":
        return f"not running ({container.get('State', 'unknown')})"
    if "(unhealthy)" in str(container.get("Status", "")):
        return "unhealthy"
    current = (state.get("images") or {}).get(image)
    if current and container.get("ImageID") != current.get("Id"):
        return f"{image} was rebuilt or changed"
    if (container.get("Labels") or {}).get(SPEC_LABEL) != spec:
        return "its settings changed"
    attached = set(((container.get("NetworkSettings") or {}).get("Networks") or {}).keys())
    missing = [n for n in networks or [] if n not in attached]
    if missing:
        return f"not on network {', '.join(missing)}"
    return ""


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "docker_state": docker_state,
            "docker_spec": docker_spec,
            "docker_container_drift": docker_container_drift,
        }
