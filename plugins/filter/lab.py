"""Filters behind the local lab's playbook (playbooks/lab.yml, `make lab`).

- lab_replacements: which running lab hosts a `make lab` run would replace, and why, read
  from community.docker.docker_container's check-mode results, so that the lab never
  replaces a host (and the work done in it) without a word.
- lab_replacement_message: the error that stops such a run, naming each host, what it runs
  and what was asked, and how to proceed.
- lab_removal_message: the error that stops a run that would remove lab hosts beyond LAB_HOSTS.
- lab_published_ports: the ports lab (or bench) host N publishes on this machine's loopback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SYSTEMD_IMAGE = "dockyard/systemd:"
# Lab host N publishes its ports at first + PORT_STEP * (N - 1): 4000, 4010, 4020 ...
PORT_STEP = 10


def _distro(image: str) -> str:
    """'dockyard/systemd:debian12' -> 'debian12'; any other image as it is."""
    return image[len(SYSTEMD_IMAGE):] if image.startswith(SYSTEMD_IMAGE) else image


def lab_replacements(results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The lab hosts that would be removed and created again, [{name, running, asked, differs}].

    `results` are the loop results of docker_container run in check mode with diff for each
    lab host: a host is replaced when its actions remove a container that exists. `running`
    and `asked` name the distro (or image) of the running container and of the asked one;
    `differs` lists the settings that force the new container (image, published_ports, ...).
    """
    out: list[dict[str, Any]] = []
    for result in results:
        actions = result.get("actions") or []
        if not any("removed" in action for action in actions):
            continue
        container = result.get("container") or {}
        diff = result.get("diff") or {}
        before, after = diff.get("before") or {}, diff.get("after") or {}
        running = (container.get("Config") or {}).get("Image") or before.get("image_name") or "?"
        asked = after.get("image_name") or (result.get("invocation") or {}).get("module_args", {}).get("image") or "?"
        differs = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and k != "image_name")
        name = (container.get("Name") or "").lstrip("/") or str(result.get("item", "?"))
        out.append({"name": name, "running": _distro(running), "asked": _distro(asked), "differs": differs})
    return out


def lab_replacement_message(replacements: Sequence[Mapping[str, Any]], distro: str) -> str:
    """Why `make lab` stopped before any change, and the three ways on."""
    hosts = "; ".join(
        f"{r['name']} runs {r['running']}"
        + (f", LAB_DISTRO={distro} asks for {r['asked']}" if r["running"] != r["asked"] else
           f" from an image that differs from today's {r['asked']} (the kit rebuilt it, or the lab's settings changed)")
        + (f" [differs: {', '.join(r['differs'])}]" if r["differs"] else "")
        for r in replacements
    )
    running = sorted({r["running"] for r in replacements})
    keep = ""
    if len(running) == 1 and running[0] != distro:
        keep = f"`make lab LAB_DISTRO={running[0]}` to keep the running lab, "
    return (
        f"make lab would replace running lab hosts, losing what was done in them: {hosts}. Nothing was changed. "
        f"Run {keep}`make lab-down` to remove the lab first, or `make lab LAB_DISTRO={distro} LAB_RECREATE=1` "
        "to replace them."
    )


def lab_removal_message(names: Sequence[str], count: Any) -> str:
    """Why `make lab` stopped before removing the lab hosts beyond LAB_HOSTS, and the ways on."""
    return (
        f"make lab would remove {', '.join(names)} (LAB_HOSTS={count}), losing what was done in them. "
        f"Nothing was changed. Run `make lab LAB_HOSTS={int(count) + len(names)}` to keep them, or "
        f"`make lab LAB_HOSTS={count} LAB_RECREATE=1` to remove them."
    )


def lab_published_ports(first_ports: Mapping[Any, Any], index: Any) -> list[str]:
    """['127.0.0.1:2222:22', ...]: host `index` (1, 2, ...) publishes each container port P of
    `first_ports` ({P: first host port}) on 127.0.0.1:<first + 10 * (index - 1)>; a first port of
    0 lets Docker pick a free one. Raises on a port outside 1-65535."""
    n = int(index)
    out: list[str] = []
    for container_port, first in sorted(first_ports.items(), key=lambda kv: int(kv[0])):
        host_port = int(first) + PORT_STEP * (n - 1) if int(first) else 0
        if not 0 <= host_port <= 65535 or not 1 <= int(container_port) <= 65535:
            raise ValueError(f"lab_published_ports: host {n} would publish {container_port} on port {host_port}")
        out.append(f"127.0.0.1:{host_port or ''}:{int(container_port)}")
    return out


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "lab_replacements": lab_replacements,
            "lab_replacement_message": lab_replacement_message,
            "lab_published_ports": lab_published_ports,
            "lab_removal_message": lab_removal_message,
        }
