"""Filters behind the demo_app role's checks and replicas (roles/demo_app).

- demo_app_input_errors: checks the role's inputs, one message per problem, each naming the
  variable first (argument_specs has already checked types and choices, but the play still
  sees the raw values, such as -e strings).
- demo_app_replicas: the app's replicas, [{name, port}]: replica n is <prefix>-<n> on host
  port first_port + n - 1.
- demo_app_push_reference: where the image is pushed, <registry>/<repository>:<tag>, each
  part falling back to the built image's own when empty.
- demo_app_stack_pending: what a deployed stack still lacks (from `docker stack ps`): tasks
  meant to run that do not, and web replicas short of the number asked for.
- demo_app_containers_plan: from one read of the host (docker_state), each container of the
  containers engine with its settings' fingerprint and why it must be started (or '' when it
  runs as asked), and the replicas of earlier runs beyond the ones asked for.

The shared rules (ports, addresses, Docker and image names, paths) and their messages come
from plugins/module_utils/checks.py; only what is particular to the app is written here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.dockyard.lab.plugins.filter.docker_state import docker_container_drift, docker_spec
from ansible_collections.dockyard.lab.plugins.module_utils.checks import (
    Problems,
    as_int,
    is_image_reference,
    is_port,
    is_registry,
    is_repository_path,
    is_size,
    is_true,
    is_whole,
    show,
)

ENGINES = ("containers", "compose", "stack")
RESTART_CONDITIONS = ("none", "on-failure", "any")
UPDATE_ORDERS = ("stop-first", "start-first")
ENDPOINT_MODES = ("vip", "dnsrr")
PUBLISH_MODES = ("ingress", "host")
# Docker refuses a memory limit under 6 MiB.
MIN_MEMORY = 6 << 20
MAX_PORT = 65535
MAX_WORKERS = 64
DOCKER_NAMES = ("demo_app_container_name", "demo_app_network", "demo_app_redis_container_name", "demo_app_redis_volume")


def _text(value: Any) -> str:
    """A string input as the role uses it; None (an empty `-e name=`) is empty."""
    return "" if value is None else str(value)


def demo_app_push_reference(
    image_name: Any, image_tag: Any, registry: Any = "", repository: Any = "", tag: Any = ""
) -> str:
    """'registry.lab:5000/lab/friendlyhello:v1'; without a registry, repository or tag: the image's own."""
    prefix = f"{_text(registry)}/" if _text(registry) else ""
    return f"{prefix}{_text(repository) or _text(image_name)}:{_text(tag) or _text(image_tag)}"


def demo_app_replicas(prefix: Any, first_port: Any, count: Any) -> list[dict[str, Any]]:
    """[{'name': 'friendlyhello-1', 'port': 4000}, ...]; raises on what validation refuses.

    Never an empty list for a bad input: the role removes the containers this list does not name.
    """
    port, number = as_int(first_port), as_int(count)
    if not isinstance(prefix, str) or not prefix or port is None or number is None or number < 1:
        raise ValueError(f"demo_app_replicas: bad input {show([prefix, first_port, count])}")
    if not (is_port(port) and is_port(port + number - 1)):
        raise ValueError(f"demo_app_replicas: ports {port} to {port + number - 1} are not all from 1 to {MAX_PORT}")
    return [{"name": f"{prefix}-{n}", "port": port + n - 1} for n in range(1, number + 1)]


def _push_errors(p: Problems, v: Mapping[str, Any]) -> None:
    registry, repository, tag = (_text(v.get(f"demo_app_push_{k}")) for k in ("registry", "repository", "tag"))
    before = len(p.messages)
    p.check(
        registry == "" or is_registry(registry),
        f"demo_app_push_registry {show(registry)} is not a registry host[:port] (without a scheme)",
    )
    p.check(
        repository == "" or is_repository_path(repository),
        f"demo_app_push_repository {show(repository)} is not a repository path (lower-case, / separated)",
    )
    if tag:
        p.image_tag("demo_app_push_tag", tag)
    # The whole target only when its parts are good (a bad part is reported once, by name).
    if is_true(v.get("demo_app_push")) and len(p.messages) == before:
        target = demo_app_push_reference(
            v.get("demo_app_image_name"), v.get("demo_app_image_tag"), registry, repository, tag
        )
        p.check(
            is_image_reference(target),
            "demo_app_push_registry, demo_app_push_repository and demo_app_push_tag make the push target"
            f" {show(target)}, which is not an image reference",
        )
    p.check(
        _text(v.get("demo_app_push_username")) == "" or registry != "",
        "demo_app_push_username needs demo_app_push_registry (the registry to log in to)",
    )


def _one_of(p: Problems, v: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> bool:
    return p.check(v.get(name) in choices, f"{name} must be one of {', '.join(choices)}, got {show(v.get(name))}")


def _service_errors(p: Problems, v: Mapping[str, Any]) -> None:
    """The compose and stack settings: what the course changes by hand in docker-compose.yml."""
    engine = v.get("demo_app_engine")
    _one_of(p, v, "demo_app_engine", ENGINES)
    p.docker_name("demo_app_stack_name", v.get("demo_app_stack_name"))
    p.abs_path("demo_app_deploy_dir", v.get("demo_app_deploy_dir"))
    p.cpus("demo_app_cpus", v.get("demo_app_cpus"))
    memory = v.get("demo_app_memory")
    if p.size("demo_app_memory", memory):
        p.check(
            is_size(memory, MIN_MEMORY),
            f"demo_app_memory must be at least 6m (Docker refuses a smaller limit), got {show(memory)}",
        )
    _one_of(p, v, "demo_app_restart_condition", RESTART_CONDITIONS)
    p.whole("demo_app_update_parallelism", v.get("demo_app_update_parallelism"), 0, why=" (0: all at once)")
    p.duration("demo_app_update_delay", v.get("demo_app_update_delay"))
    _one_of(p, v, "demo_app_update_order", UPDATE_ORDERS)
    endpoint = _one_of(p, v, "demo_app_endpoint_mode", ENDPOINT_MODES)
    publish = _one_of(p, v, "demo_app_publish_mode", PUBLISH_MODES)
    p.image_reference("demo_app_proxy_image", v.get("demo_app_proxy_image"))
    p.whole("demo_app_deploy_timeout", v.get("demo_app_deploy_timeout"), 1, why=" (seconds)")
    proxy = is_true(v.get("demo_app_proxy"))
    if engine == "stack" and endpoint and publish:
        p.check(
            not (v.get("demo_app_endpoint_mode") == "dnsrr" and v.get("demo_app_publish_mode") == "ingress"),
            "demo_app_endpoint_mode dnsrr needs demo_app_publish_mode host: Docker refuses ports published through"
            " the routing mesh (ingress) on services reached by DNS round robin",
        )
    replicas = as_int(v.get("demo_app_replicas"))
    if engine == "compose" and not proxy and replicas is not None:
        p.check(
            replicas <= 1,
            f"demo_app_replicas {replicas} with demo_app_engine compose needs demo_app_proxy: true: one host port"
            " (demo_app_host_port) cannot be published by several containers of one host",
        )
    p.check(
        engine != "containers" or not proxy,
        "demo_app_proxy needs demo_app_engine compose or stack (the containers engine publishes each replica on a"
        " port of its own)",
    )


def demo_app_input_errors(v: Mapping[str, Any]) -> list[str]:
    """Messages for every bad input in `v` (the role's variables, by name); empty when all are good."""
    p = Problems()
    host_port, replicas = v.get("demo_app_host_port"), v.get("demo_app_replicas")
    p.port("demo_app_host_port", host_port)
    p.port("demo_app_container_port", v.get("demo_app_container_port"))
    p.whole("demo_app_replicas", replicas, 1)
    if is_port(host_port) and is_whole(replicas, 1) and v.get("demo_app_engine", "containers") == "containers":
        last = (as_int(host_port) or 0) + (as_int(replicas) or 0) - 1
        p.check(
            last <= MAX_PORT,
            f"demo_app_host_port + demo_app_replicas - 1 must not exceed {MAX_PORT} (replica n is published on"
            f" demo_app_host_port + n - 1), got {show(host_port)} + {show(replicas)} - 1 = {last}",
        )
    p.whole("demo_app_workers", v.get("demo_app_workers"), 1, MAX_WORKERS)
    p.non_empty("demo_app_name", v.get("demo_app_name"), "a non-empty string (the NAME the app greets)")
    p.image_reference("demo_app_base_image", v.get("demo_app_base_image"))
    p.image_reference("demo_app_redis_image", v.get("demo_app_redis_image"))
    p.image_name("demo_app_image_name", v.get("demo_app_image_name"))
    p.image_tag("demo_app_image_tag", v.get("demo_app_image_tag"))
    p.ipv4("demo_app_host_ip", v.get("demo_app_host_ip"))
    p.abs_path("demo_app_build_dir", v.get("demo_app_build_dir"))
    for name in DOCKER_NAMES:
        p.docker_name(name, v.get(name))
    app, redis = _text(v.get("demo_app_container_name")), _text(v.get("demo_app_redis_container_name"))
    p.check(
        not re.fullmatch(rf"{re.escape(app)}-[0-9]+", redis),
        "demo_app_redis_container_name must not look like an app replica (<demo_app_container_name>-<n>),"
        f" got {show(redis)}",
    )
    _push_errors(p, v)
    _service_errors(p, v)
    return p.messages


def demo_app_stack_pending(tasks: Any, stack: str, replicas: Any) -> list[str]:
    """'<task> on <node>: <state>' for each task meant to run that does not, and 'web runs n of N
    replicas' while it is short; empty when the stack runs as asked. `tasks`: docker_stack_task_info's results."""
    pending: list[str] = []
    running_web = 0
    for task in tasks if isinstance(tasks, list) else []:
        if not isinstance(task, Mapping) or task.get("DesiredState") != "Running":
            continue
        state = str(task.get("CurrentState", ""))
        if not state.startswith("Running"):
            error = f" ({task['Error']})" if task.get("Error") else ""
            pending.append(f"{task.get('Name')} on {task.get('Node') or 'no node'}: {state}{error}")
        elif str(task.get("Name", "")).startswith(f"{stack}_web."):
            running_web += 1
    wanted = as_int(replicas) or 0
    if running_web != wanted:
        pending.append(f"web runs {running_web} of {wanted} replicas")
    return pending


def demo_app_containers_plan(
    state: Mapping[str, Any], redis: Mapping[str, Any], app: Mapping[str, Any], replicas: Sequence[Mapping[str, Any]],
    replica_label: str, rebuilt: bool = False,
) -> dict[str, Any]:
    """What the containers engine must change, from docker_state's index of one read.

    `redis` and `app` are the settings the role gives those containers (name or image, network
    and the rest; `app` without the port, which is each replica's own); `replicas` the list of
    demo_app_replicas; `rebuilt` whether the app's image was built after the read (its new ID
    is not in the read: every replica must be created again). Returns {"redis": {spec, drift},
    "replicas": [{name, port, spec, drift}], "extra": [names], "network_missing": bool,
    "volumes_missing": [names], "changes": bool}: `spec` is the fingerprint the container
    carries as its label, `drift` why it must be started or created again ('' when it runs as
    asked, docker_container_drift), `extra` the containers labelled `replica_label` =
    app["name"] that `replicas` does not name, `network_missing` whether app["network"] is not
    in the read, `volumes_missing` the named volumes of redis["volumes"] ("name:/path") it
    lacks, and `changes` whether any of these asks for a change (the role's change tasks run
    only then).
    """
    network = [str(app["network"])]
    redis_spec = docker_spec(redis)
    plan: dict[str, Any] = {
        "redis": {
            "spec": redis_spec,
            "drift": docker_container_drift(state, str(redis["name"]), str(redis["image"]), redis_spec, network),
        },
        "replicas": [],
    }
    for replica in replicas:
        spec = docker_spec({**app, "port": replica["port"]})
        drift = docker_container_drift(state, str(replica["name"]), str(app["image"]), spec, network)
        if rebuilt and not drift:
            drift = f"{app['image']} was rebuilt"
        plan["replicas"].append({"name": replica["name"], "port": replica["port"], "spec": spec, "drift": drift})
    wanted = {str(r["name"]) for r in replicas}
    plan["extra"] = sorted(
        name for name, c in (state.get("containers") or {}).items()
        if (c.get("Labels") or {}).get(replica_label) == app["name"] and name not in wanted
    )
    plan["network_missing"] = str(app["network"]) not in (state.get("networks") or {})
    named = [str(v).split(":", 1)[0] for v in redis.get("volumes") or []]
    plan["volumes_missing"] = [v for v in named if not v.startswith("/") and v not in (state.get("volumes") or {})]
    plan["changes"] = bool(
        plan["redis"]["drift"] or any(r["drift"] for r in plan["replicas"]) or plan["extra"]
        or plan["network_missing"] or plan["volumes_missing"]
    )
    return plan


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "demo_app_input_errors": demo_app_input_errors,
            "demo_app_replicas": demo_app_replicas,
            "demo_app_push_reference": demo_app_push_reference,
            "demo_app_stack_pending": demo_app_stack_pending,
            "demo_app_containers_plan": demo_app_containers_plan,
        }
