"""The demo_app role's input checks, replicas and push target (plugins/filter/demo_app.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.dockyard.lab.plugins.filter.demo_app import (
    FilterModule,
    demo_app_containers_plan,
    demo_app_input_errors,
    demo_app_push_reference,
    demo_app_replicas,
    demo_app_stack_pending,
)
from ansible_collections.dockyard.lab.plugins.filter.docker_state import docker_spec

ROLE = Path(__file__).resolve().parents[2] / "roles" / "demo_app"
PORT = "must be a port number from 1 to 65535, got"
DOCKER_NAME = "must be a Docker object name (a letter or digit, then letters, digits, _ . -), got"
REFERENCE = "is not an image reference ([registry/]name[:tag][@digest], lower-case name)"
TAG = "is not an image tag (letters, digits, _ . -, at most 128)"
PUSH = {"demo_app_push": True, "demo_app_push_registry": "registry.lab.example:5000"}

# The role's defaults (defaults/main.yml has no templates).
GOOD: dict[str, Any] = {
    "demo_app_host_port": 4000,
    "demo_app_container_port": 5000,
    "demo_app_replicas": 1,
    "demo_app_workers": 2,
    "demo_app_name": "World",
    "demo_app_base_image": "python:3.11-slim",
    "demo_app_redis_image": "redis:7",
    "demo_app_image_name": "friendlyhello",
    "demo_app_image_tag": "latest",
    "demo_app_host_ip": "0.0.0.0",
    "demo_app_build_dir": "/opt/demo_app",
    "demo_app_container_name": "friendlyhello",
    "demo_app_network": "friendlyhello",
    "demo_app_redis_container_name": "friendlyhello-redis",
    "demo_app_redis_volume": "friendlyhello-redis-data",
    "demo_app_push": False,
    "demo_app_push_registry": "",
    "demo_app_push_repository": "",
    "demo_app_push_tag": "",
    "demo_app_push_username": "",
    "demo_app_engine": "containers",
    "demo_app_stack_name": "friendlyhello",
    "demo_app_deploy_dir": "/opt/demo_app-deploy",
    "demo_app_cpus": "0.5",
    "demo_app_memory": "128M",
    "demo_app_restart_condition": "any",
    "demo_app_update_parallelism": 1,
    "demo_app_update_delay": "10s",
    "demo_app_update_order": "stop-first",
    "demo_app_endpoint_mode": "vip",
    "demo_app_publish_mode": "ingress",
    "demo_app_proxy": False,
    "demo_app_proxy_image": "nginx:1",
    "demo_app_deploy_timeout": 180,
}
STACK = {"demo_app_engine": "stack"}
COMPOSE = {"demo_app_engine": "compose"}


def test_good_is_the_role_defaults() -> None:
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    assert {name: defaults[name] for name in GOOD} == GOOD


def test_validate_yml_passes_every_checked_variable() -> None:
    internal = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    assert set(internal["__demo_app_inputs"]) == set(GOOD)


def test_the_defaults_pass() -> None:
    assert demo_app_input_errors(GOOD) == []


@pytest.mark.parametrize(
    "change",
    [
        {"demo_app_host_port": 1, "demo_app_container_port": 1},
        {"demo_app_host_port": 65535, "demo_app_container_port": 65535},
        {"demo_app_host_port": "4000", "demo_app_container_port": "80"},  # -e demo_app_host_port=4000
        {"demo_app_host_port": 65534, "demo_app_replicas": 2},  # the last replica on 65535
        {"demo_app_host_port": "65000", "demo_app_replicas": "536"},
        {"demo_app_host_port": 1, "demo_app_replicas": 65535},
        {"demo_app_workers": 1},
        {"demo_app_workers": "64"},
        {"demo_app_name": "<script>alert(1)</script>"},
        {"demo_app_base_image": "dockyard/python:3.11-slim", "demo_app_redis_image": "dockyard/redis:7"},
        {"demo_app_redis_image": "redis@sha256:" + "a" * 64},
        {"demo_app_image_name": "localhost:5000/lab/friendlyhello", "demo_app_image_tag": "v1.0_rc-1"},
        {"demo_app_host_ip": "127.0.0.1"},
        {"demo_app_redis_container_name": "friendlyhello-redis-1"},
        {"demo_app_redis_container_name": "other-1"},
        {**PUSH},
        {**PUSH, "demo_app_push_repository": "lab/friendlyhello", "demo_app_push_tag": "v1"},
        {**PUSH, "demo_app_push_username": "student"},
        {"demo_app_push": "true", "demo_app_push_registry": "localhost"},
        {"demo_app_push": True, "demo_app_push_repository": "lab/friendlyhello"},  # no registry: Docker Hub's name
    ],
)
def test_good_edge_values_pass(change: dict[str, Any]) -> None:
    assert demo_app_input_errors({**GOOD, **change}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Ports and replicas
        ({"demo_app_host_port": 70000}, f"demo_app_host_port {PORT} 70000"),
        ({"demo_app_host_port": 0}, f"demo_app_host_port {PORT} 0"),
        ({"demo_app_host_port": "4000/tcp"}, f'demo_app_host_port {PORT} "4000/tcp"'),
        ({"demo_app_host_port": ""}, f'demo_app_host_port {PORT} ""'),
        ({"demo_app_host_port": None}, f"demo_app_host_port {PORT} null"),
        ({"demo_app_container_port": 65536}, f"demo_app_container_port {PORT} 65536"),
        ({"demo_app_container_port": "5000.0"}, f'demo_app_container_port {PORT} "5000.0"'),
        ({"demo_app_container_port": False}, f"demo_app_container_port {PORT} false"),
        (
            {"demo_app_host_port": 65535, "demo_app_replicas": 2},
            "demo_app_host_port + demo_app_replicas - 1 must not exceed 65535 (replica n is published on"
            " demo_app_host_port + n - 1), got 65535 + 2 - 1 = 65536",
        ),
        (
            {"demo_app_host_port": "65000", "demo_app_replicas": "537"},
            'demo_app_host_port + demo_app_replicas - 1 must not exceed 65535 (replica n is published on'
            ' demo_app_host_port + n - 1), got "65000" + "537" - 1 = 65536',
        ),
        ({"demo_app_replicas": 0}, "demo_app_replicas must be a whole number of at least 1, got 0"),
        ({"demo_app_replicas": -1}, "demo_app_replicas must be a whole number of at least 1, got -1"),
        ({"demo_app_replicas": "two"}, 'demo_app_replicas must be a whole number of at least 1, got "two"'),
        ({"demo_app_replicas": 1.5}, "demo_app_replicas must be a whole number of at least 1, got 1.5"),
        ({"demo_app_workers": 0}, "demo_app_workers must be a whole number from 1 to 64, got 0"),
        ({"demo_app_workers": "65"}, 'demo_app_workers must be a whole number from 1 to 64, got "65"'),
        # The app
        ({"demo_app_name": ""}, 'demo_app_name must be a non-empty string (the NAME the app greets), got ""'),
        ({"demo_app_name": "   "}, 'demo_app_name must be a non-empty string (the NAME the app greets), got "   "'),
        ({"demo_app_name": 42}, "demo_app_name must be a non-empty string (the NAME the app greets), got 42"),
        # Images
        ({"demo_app_base_image": "Python:3.11 slim"}, f'demo_app_base_image "Python:3.11 slim" {REFERENCE}'),
        ({"demo_app_base_image": "python:"}, f'demo_app_base_image "python:" {REFERENCE}'),
        ({"demo_app_redis_image": "redis:7:latest"}, f'demo_app_redis_image "redis:7:latest" {REFERENCE}'),
        ({"demo_app_redis_image": "https://r.lab/redis"}, f'demo_app_redis_image "https://r.lab/redis" {REFERENCE}'),
        (
            {"demo_app_image_name": "FriendlyHello"},
            'demo_app_image_name "FriendlyHello" is not an image name ([registry/]lower-case/path, without a tag)',
        ),
        ({"demo_app_image_name": "friendlyhello:v1"}, 'demo_app_image_name "friendlyhello:v1" is not an image name'),
        ({"demo_app_image_tag": "v1/beta"}, f'demo_app_image_tag "v1/beta" {TAG}'),
        ({"demo_app_image_tag": "t" * 129}, f'demo_app_image_tag "{"t" * 129}" {TAG}'),
        # Host and names
        (
            {"demo_app_host_ip": "localhost"},
            'demo_app_host_ip must be an IPv4 address such as 0.0.0.0 or 127.0.0.1, got "localhost"',
        ),
        ({"demo_app_host_ip": "::"}, 'demo_app_host_ip must be an IPv4 address such as 0.0.0.0 or 127.0.0.1, got "::"'),
        (
            {"demo_app_build_dir": "opt/demo_app"},
            'demo_app_build_dir must be an absolute path other than /, got "opt/demo_app"',
        ),
        ({"demo_app_build_dir": "/"}, 'demo_app_build_dir must be an absolute path other than /, got "/"'),
        ({"demo_app_container_name": "-app"}, f'demo_app_container_name {DOCKER_NAME} "-app"'),
        ({"demo_app_network": "my net"}, f'demo_app_network {DOCKER_NAME} "my net"'),
        ({"demo_app_redis_container_name": "redis/1"}, f'demo_app_redis_container_name {DOCKER_NAME} "redis/1"'),
        ({"demo_app_redis_volume": ""}, f'demo_app_redis_volume {DOCKER_NAME} ""'),
        (
            {"demo_app_redis_container_name": "friendlyhello-2"},
            "demo_app_redis_container_name must not look like an app replica (<demo_app_container_name>-<n>),"
            ' got "friendlyhello-2"',
        ),
        (
            {"demo_app_container_name": "app.v1", "demo_app_redis_container_name": "app.v1-10"},
            "demo_app_redis_container_name must not look like an app replica (<demo_app_container_name>-<n>),"
            ' got "app.v1-10"',
        ),
        # Push
        (
            {**PUSH, "demo_app_push_registry": "https://localhost:5000"},
            'demo_app_push_registry "https://localhost:5000" is not a registry host[:port] (without a scheme)',
        ),
        ({"demo_app_push_registry": "r.lab:port"}, 'demo_app_push_registry "r.lab:port" is not a registry host[:port]'),
        (
            {"demo_app_push_repository": "Lab/FriendlyHello"},
            'demo_app_push_repository "Lab/FriendlyHello" is not a repository path (lower-case, / separated)',
        ),
        ({"demo_app_push_repository": "lab/"}, 'demo_app_push_repository "lab/" is not a repository path'),
        ({"demo_app_push_tag": "v1:2"}, f'demo_app_push_tag "v1:2" {TAG}'),
        (
            {**PUSH, "demo_app_image_name": "localhost:5000/friendlyhello"},
            "demo_app_push_registry, demo_app_push_repository and demo_app_push_tag make the push target"
            ' "registry.lab.example:5000/localhost:5000/friendlyhello:latest", which is not an image reference',
        ),
        (
            {"demo_app_push_username": "student"},
            "demo_app_push_username needs demo_app_push_registry (the registry to log in to)",
        ),
    ],
)
def test_each_bad_input_is_named(change: dict[str, Any], message: str) -> None:
    errors = demo_app_input_errors({**GOOD, **change})
    assert len(errors) == 1, errors
    assert errors[0].startswith(message), errors


def test_every_problem_is_reported_at_once() -> None:
    bad = {"demo_app_host_port": 0, "demo_app_workers": 0, "demo_app_network": "", "demo_app_push_username": "u"}
    assert [e.split()[0] for e in demo_app_input_errors({**GOOD, **bad})] == [
        "demo_app_host_port",
        "demo_app_workers",
        "demo_app_network",
        "demo_app_push_username",
    ]


def test_a_bad_part_of_the_push_target_is_reported_once() -> None:
    errors = demo_app_input_errors({**GOOD, **PUSH, "demo_app_push_tag": "v1:2"})
    assert [e.split()[0] for e in errors] == ["demo_app_push_tag"]


# --- Replicas ------------------------------------------------------------------------------
def test_one_replica() -> None:
    assert demo_app_replicas("friendlyhello", 4000, 1) == [{"name": "friendlyhello-1", "port": 4000}]


def test_replicas_on_consecutive_ports_from_strings() -> None:
    assert demo_app_replicas("app", "65533", "3") == [
        {"name": "app-1", "port": 65533},
        {"name": "app-2", "port": 65534},
        {"name": "app-3", "port": 65535},
    ]


@pytest.mark.parametrize(
    ("prefix", "port", "count"),
    [("app", 65535, 2), ("app", 0, 1), ("app", 4000, 0), ("app", "x", 1), ("", 4000, 1), ("app", 4000, None)],
)
def test_replicas_refuse_what_validation_refuses(prefix: Any, port: Any, count: Any) -> None:
    # Never an empty list: the role removes every replica the list does not name.
    with pytest.raises(ValueError, match="demo_app_replicas"):
        demo_app_replicas(prefix, port, count)


# --- Push target -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("parts", "reference"),
    [
        ({}, "friendlyhello:latest"),
        ({"registry": "registry.lab:5000"}, "registry.lab:5000/friendlyhello:latest"),
        ({"registry": "r.lab", "repository": "lab/app", "tag": "v1"}, "r.lab/lab/app:v1"),
        ({"repository": "lab/app"}, "lab/app:latest"),
        ({"tag": "v2"}, "friendlyhello:v2"),
        ({"registry": None, "repository": None, "tag": None}, "friendlyhello:latest"),
    ],
)
def test_push_reference(parts: dict[str, Any], reference: str) -> None:
    assert demo_app_push_reference("friendlyhello", "latest", **parts) == reference


def test_the_filters_are_registered() -> None:
    assert set(FilterModule().filters()) == {
        "demo_app_input_errors", "demo_app_replicas", "demo_app_push_reference", "demo_app_stack_pending",
        "demo_app_containers_plan"}


@pytest.mark.parametrize(
    "change",
    [
        {**STACK, "demo_app_replicas": 5, "demo_app_cpus": "0.1", "demo_app_memory": "50M"},  # the course's
        {**STACK, "demo_app_endpoint_mode": "dnsrr", "demo_app_publish_mode": "host", "demo_app_proxy": True},
        {**STACK, "demo_app_host_port": 65535, "demo_app_replicas": 3},  # one published port, not a range
        {**COMPOSE, "demo_app_replicas": 3, "demo_app_proxy": True},
        {**COMPOSE, "demo_app_cpus": 2, "demo_app_memory": "6m", "demo_app_restart_condition": "any"},
        {"demo_app_update_parallelism": 0, "demo_app_update_delay": "1m30s", "demo_app_update_order": "start-first"},
    ],
)
def test_good_service_settings_pass(change: dict[str, Any]) -> None:
    assert demo_app_input_errors({**GOOD, **change}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"demo_app_cpus": "fast"}, 'demo_app_cpus must be a positive number of CPUs such as 0.5 or 2, got "fast"'),
        ({"demo_app_cpus": "0"}, 'demo_app_cpus must be a positive number of CPUs such as 0.5 or 2, got "0"'),
        ({"demo_app_memory": "50Q"},
         'demo_app_memory must be a size such as 10m, 512k or 1g (bytes, k, m, g), got "50Q"'),
        ({"demo_app_memory": "1m"}, 'demo_app_memory must be at least 6m (Docker refuses a smaller limit), got "1m"'),
        ({"demo_app_restart_condition": "always"},
         'demo_app_restart_condition must be one of none, on-failure, any, got "always"'),
        ({"demo_app_update_order": "random"},
         'demo_app_update_order must be one of stop-first, start-first, got "random"'),
        ({"demo_app_update_delay": "10"},
         'demo_app_update_delay must be a duration such as 10s, 1m30s or 500ms, got "10"'),
        ({"demo_app_update_parallelism": -1},
         "demo_app_update_parallelism must be a whole number of at least 0 (0: all at once), got -1"),
        ({"demo_app_endpoint_mode": "round-robin"},
         'demo_app_endpoint_mode must be one of vip, dnsrr, got "round-robin"'),
        ({"demo_app_publish_mode": "mesh"}, 'demo_app_publish_mode must be one of ingress, host, got "mesh"'),
        ({"demo_app_engine": "k8s"}, 'demo_app_engine must be one of containers, compose, stack, got "k8s"'),
        ({"demo_app_stack_name": "-hello"},
         f'demo_app_stack_name {DOCKER_NAME} "-hello"'),
        ({"demo_app_deploy_dir": "deploy"}, 'demo_app_deploy_dir must be an absolute path other than /, got "deploy"'),
        ({"demo_app_proxy_image": "Nginx"}, f'demo_app_proxy_image "Nginx" {REFERENCE}'),
        ({"demo_app_deploy_timeout": 0},
         "demo_app_deploy_timeout must be a whole number of at least 1 (seconds), got 0"),
        ({**STACK, "demo_app_endpoint_mode": "dnsrr"},
         "demo_app_endpoint_mode dnsrr needs demo_app_publish_mode host: Docker refuses ports published through the"
         " routing mesh (ingress) on services reached by DNS round robin"),
        ({**COMPOSE, "demo_app_replicas": 3},
         "demo_app_replicas 3 with demo_app_engine compose needs demo_app_proxy: true: one host port"
         " (demo_app_host_port) cannot be published by several containers of one host"),
        ({"demo_app_proxy": True},
         "demo_app_proxy needs demo_app_engine compose or stack (the containers engine publishes each replica on a"
         " port of its own)"),
    ],
)
def test_each_bad_service_setting_is_named(change: dict[str, Any], message: str) -> None:
    assert demo_app_input_errors({**GOOD, **change}) == [message]


def _task(name: str, current: str, desired: str = "Running", node: str = "n1", error: str = "") -> dict[str, Any]:
    return {"Name": name, "CurrentState": current, "DesiredState": desired, "Node": node, "Error": error}


def test_stack_pending() -> None:
    done = [_task("s_web.1", "Running 5 seconds ago"), _task("s_web.2", "Running 1 second ago", node="n2"),
            _task("s_web.1", "Shutdown 9 seconds ago", desired="Shutdown"), _task("s_redis.1", "Running 3 minutes ago")]
    assert demo_app_stack_pending(done, "s", 2) == []
    assert demo_app_stack_pending(done, "s", "3") == ["web runs 2 of 3 replicas"]
    starting = [*done, _task("s_web.3", "Pending 2 seconds ago", node="", error="no suitable node (host-mode port)")]
    assert demo_app_stack_pending(starting, "s", 3) == [
        "s_web.3 on no node: Pending 2 seconds ago (no suitable node (host-mode port))",
        "web runs 2 of 3 replicas",
    ]


# --- demo_app_containers_plan: one read, changes only on drift ---------------------------------


REDIS = {"name": "redis", "image": "redis:7", "command": ["redis-server"], "network": "net", "restart_policy": "always"}
# A named volume and a bind mount: only the named one is the role's to create.
REDIS_WITH_VOLUME = {**REDIS, "volumes": ["data:/data", "/srv/conf:/conf"]}
APP = {"name": "web", "image": "friendlyhello:latest", "env": {"NAME": "World"}, "network": "net"}
REPLICAS = [{"name": "web-1", "port": 4000}, {"name": "web-2", "port": 4001}]
LABEL = "org.dockyard.demo_app.replica_of"


def _container(name: str, spec: str, image_id: str = "sha256:app", state: str = "running",
               labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "Names": [f"/{name}"], "State": state, "Status": "Up 1 minute", "ImageID": image_id,
        "Labels": {"org.dockyard.spec": spec, **(labels or {})},
        "NetworkSettings": {"Networks": {"net": {}}},
    }


def _state(*containers: dict[str, Any]) -> dict[str, Any]:
    return {
        "containers": {c["Names"][0].lstrip("/"): c for c in containers},
        "images": {"friendlyhello:latest": {"Id": "sha256:app"}, "redis:7": {"Id": "sha256:redis"}},
        "volumes": {}, "networks": {"net": {}},
    }


def _as_asked() -> list[dict[str, Any]]:
    return [
        _container("redis", docker_spec(REDIS), image_id="sha256:redis"),
        _container("web-1", docker_spec({**APP, "port": 4000}), labels={LABEL: "web"}),
        _container("web-2", docker_spec({**APP, "port": 4001}), labels={LABEL: "web"}),
    ]


def test_plan_of_a_host_that_runs_as_asked_changes_nothing() -> None:
    plan = demo_app_containers_plan(_state(*_as_asked()), REDIS, APP, REPLICAS, LABEL)
    assert plan["redis"]["drift"] == ""
    assert [r["drift"] for r in plan["replicas"]] == ["", ""]
    assert plan["extra"] == []
    assert (plan["network_missing"], plan["volumes_missing"], plan["changes"]) == (False, [], False)


def test_plan_of_a_fresh_host_starts_everything() -> None:
    plan = demo_app_containers_plan(_state(), REDIS, APP, REPLICAS, LABEL)
    assert plan["redis"] == {"spec": docker_spec(REDIS), "drift": "missing"}
    assert [(r["name"], r["port"], r["drift"]) for r in plan["replicas"]] == [("web-1", 4000, "missing"),
                                                                             ("web-2", 4001, "missing")]
    # Each replica's fingerprint holds its port: two replicas never share one.
    assert plan["replicas"][0]["spec"] != plan["replicas"][1]["spec"]


@pytest.mark.parametrize(
    ("change", "who", "drift"),
    [
        # A changed NAME (the course's environment variable) re-creates every replica, not Redis.
        (lambda cs: cs, "web-1", "its settings changed"),
        # A stopped Redis is started again.
        (lambda cs: [{**cs[0], "State": "exited"}, *cs[1:]], "redis", "not running (exited)"),
        # A rebuilt image (the tag points at a new ID) re-creates the replicas running the old one.
        (lambda cs: [cs[0], {**cs[1], "ImageID": "sha256:old"}, cs[2]], "web-1",
         "friendlyhello:latest was rebuilt or changed"),
    ],
)
def test_plan_names_the_drift(change: Any, who: str, drift: str) -> None:
    app = {**APP, "env": {"NAME": "Class"}} if drift == "its settings changed" else APP
    plan = demo_app_containers_plan(_state(*change(_as_asked())), REDIS, app, REPLICAS, LABEL)
    found = {"redis": plan["redis"]["drift"], **{r["name"]: r["drift"] for r in plan["replicas"]}}
    assert found[who] == drift
    assert plan["changes"]
    assert [name for name, d in found.items() if d] == (["web-1", "web-2"] if who != "redis" and drift.startswith("its")
                                                         else [who])


def test_plan_lists_replicas_of_earlier_runs_beyond_the_count() -> None:
    containers = [*_as_asked(), _container("web-3", "x", labels={LABEL: "web"}),
                  _container("other-3", "x", labels={LABEL: "other"}), _container("webby", "x")]
    plan = demo_app_containers_plan(_state(*containers), REDIS, APP, REPLICAS, LABEL)
    assert plan["extra"] == ["web-3"]
    assert plan["changes"]


def test_plan_names_the_network_and_volumes_to_create() -> None:
    # Only the named volume is the role's to create, not the bind mount.
    empty: dict[str, Any] = {"containers": {}, "images": {}, "volumes": {}, "networks": {}}
    plan = demo_app_containers_plan(empty, REDIS_WITH_VOLUME, APP, REPLICAS, LABEL)
    assert (plan["network_missing"], plan["volumes_missing"], plan["changes"]) == (True, ["data"], True)
    # A host whose containers run as asked but whose volume is gone still has a change to make.
    spec = docker_spec(REDIS_WITH_VOLUME)
    asked = [_container("redis", spec, image_id="sha256:redis"), *_as_asked()[1:]]
    plan = demo_app_containers_plan(_state(*asked), REDIS_WITH_VOLUME, APP, REPLICAS, LABEL)
    assert (plan["redis"]["drift"], plan["network_missing"], plan["volumes_missing"]) == ("", False, ["data"])
    assert plan["changes"]
    with_volume = {**_state(*asked), "volumes": {"data": {}}}
    plan = demo_app_containers_plan(with_volume, REDIS_WITH_VOLUME, APP, REPLICAS, LABEL)
    assert (plan["volumes_missing"], plan["changes"]) == ([], False)


def test_plan_after_a_rebuild_recreates_every_replica_but_not_redis() -> None:
    # The read came before the build: the new image's ID is not in it.
    plan = demo_app_containers_plan(_state(*_as_asked()), REDIS, APP, REPLICAS, LABEL, True)
    assert plan["redis"]["drift"] == ""
    assert [r["drift"] for r in plan["replicas"]] == ["friendlyhello:latest was rebuilt"] * 2
    # A drift found in the read keeps its own reason.
    stopped = _as_asked()
    stopped[1] = {**stopped[1], "State": "exited"}
    plan = demo_app_containers_plan(_state(*stopped), REDIS, APP, REPLICAS, LABEL, True)
    assert [r["drift"] for r in plan["replicas"]] == ["not running (exited)", "friendlyhello:latest was rebuilt"]
