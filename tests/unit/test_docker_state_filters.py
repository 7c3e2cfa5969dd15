"""Read the Docker state once, change only on drift (plugins/filter/docker_state.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from ansible_collections.dockyard.lab.plugins.filter.docker_state import (
    SPEC_LABEL,
    FilterModule,
    docker_container_drift,
    docker_spec,
    docker_state,
)

IMAGE_ID = "sha256:4da2bb1cd95ba93db6d94b1c6c1e5d55e99f0fc9d685e0d87a962c0ab839a370"
SPEC = docker_spec({"image": "mongo-perso:latest", "ports": ["127.0.0.1:27017:27017"]})

# Shaped as community.docker.docker_host_info returns it with verbose_output: true (trimmed
# from a real read of a lab host).
HOST_INFO: dict[str, Any] = {
    "containers": [
        {"Names": ["/mymongo"], "Image": "mongo-perso:latest", "ImageID": IMAGE_ID, "State": "running",
         "Status": "Up 24 minutes (healthy)", "Labels": {SPEC_LABEL: SPEC, "org.dockyard.mode": "offline"},
         "NetworkSettings": {"Networks": {"bridge": {}}}},
        {"Names": ["/mymongo-2"], "Image": "mongo-perso:latest", "ImageID": IMAGE_ID, "State": "exited",
         "Status": "Exited (0) 2 minutes ago", "Labels": {}},
    ],
    "images": [{"Id": IMAGE_ID, "RepoTags": ["mongo-perso:latest", "mongo-perso:v1"], "Labels": {}}],
    "volumes": [{"Name": "mymongo-db", "Labels": {"org.dockyard.mongo.auth": "false"}}],
    "networks": [{"Name": "friendlyhello", "Driver": "bridge"}],
}


@pytest.fixture
def state() -> dict[str, Any]:
    return docker_state(copy.deepcopy(HOST_INFO))


def test_state_is_indexed_by_exact_name(state: dict[str, Any]) -> None:
    assert set(state["containers"]) == {"mymongo", "mymongo-2"}
    assert set(state["images"]) == {"mongo-perso:latest", "mongo-perso:v1"}
    assert set(state["volumes"]) == {"mymongo-db"} and set(state["networks"]) == {"friendlyhello"}


def test_state_of_an_empty_read() -> None:
    assert docker_state({}) == {"containers": {}, "images": {}, "volumes": {}, "networks": {}}


def test_spec_is_stable_and_order_free() -> None:
    assert docker_spec({"a": 1, "b": [1, 2]}) == docker_spec({"b": [1, 2], "a": 1})
    assert docker_spec({"a": 1}) != docker_spec({"a": 2})
    assert len(docker_spec({})) == 16


def test_no_drift_when_it_runs_as_asked(state: dict[str, Any]) -> None:
    assert docker_container_drift(state, "mymongo", "mongo-perso:latest", SPEC) == ""
    assert docker_container_drift(state, "mymongo", "mongo-perso:latest", SPEC, ["bridge"]) == ""


@pytest.mark.parametrize(
    ("change", "name", "expected"),
    [
        (None, "nope", "missing"),
        (None, "mymongo-2", "not running (exited)"),
        ({"Status": "Up 3 minutes (unhealthy)"}, "mymongo", "unhealthy"),
        ({"ImageID": "sha256:old"}, "mymongo", "mongo-perso:latest was rebuilt or changed"),
        ({"Labels": {SPEC_LABEL: "0000000000000000"}}, "mymongo", "its settings changed"),
        ({"Labels": {}}, "mymongo", "its settings changed"),
    ],
)
def test_drift(state: dict[str, Any], change: dict[str, Any] | None, name: str, expected: str) -> None:
    if change:
        state["containers"][name].update(change)
    assert docker_container_drift(state, name, "mongo-perso:latest", SPEC) == expected


def test_drift_when_a_network_is_missing(state: dict[str, Any]) -> None:
    assert docker_container_drift(state, "mymongo", "mongo-perso:latest", SPEC, ["bridge", "webnet"]) \
        == "not on network webnet"


def test_a_missing_image_is_not_the_containers_drift(state: dict[str, Any]) -> None:
    assert docker_container_drift(state, "mymongo", "other:latest", SPEC) == ""


def test_registered() -> None:
    assert set(FilterModule().filters()) == {"docker_state", "docker_spec", "docker_container_drift"}
