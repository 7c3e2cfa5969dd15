"""Reading a role's Docker objects from the Engine API's socket (plugins/module_utils/docker_objects.py),
against a stand-in Engine API served on a unix socket in this process."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from ansible_collections.dockyard.lab.plugins.module_utils.docker_objects import (
    DockerReadError,
    index_objects,
    list_paths,
    read_objects,
)

from dockyard_testing.adhoc import run_module

# What a Docker 29 engine answered (trimmed), by path.
ANSWERS: dict[str, Any] = {
    "/containers/json": [
        {"Id": "c1", "Names": ["/redis"], "State": "running", "Labels": {"org.dockyard.spec": "ab"}},
        {"Id": "c2", "Names": ["/redis-old"], "State": "exited", "Labels": {}},
    ],
    "/images/json": [{"Id": "sha256:i1", "RepoTags": ["friendlyhello:latest", "friendlyhello:v2"]}],
    "/volumes": {"Volumes": [{"Name": "redis-data", "Labels": {"org.dockyard.seed": "x"}}], "Warnings": None},
    "/networks": [{"Name": "friendlyhello", "Id": "n1", "Driver": "bridge"}],
}


class _Engine(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, dict[str, Any]]]] = []
    status = 200

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.seen.append((url.path, {k: json.loads(v[0]) if k == "filters" else v[0] for k, v in query.items()}))
        if self.status != 200:
            body = json.dumps({"message": "client version 1.99 is too new"}).encode()
        else:
            body = json.dumps(ANSWERS[url.path]).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class _UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[str, type[_Engine]]]:
    path = str(tmp_path / "docker.sock")
    handler = type("Engine", (_Engine,), {"seen": [], "status": 200})
    server = _UnixHTTPServer(path, handler)
    # BaseHTTPRequestHandler reads client_address[0]; a unix socket's peer address is ''.
    server.get_request = lambda: (server.socket.accept()[0], ("local", 0))  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield path, handler
    server.shutdown()
    server.server_close()


def test_paths_filter_on_the_names_and_read_stopped_containers_too() -> None:
    paths = list_paths({"containers": ["redis", "web"], "images": ["friendlyhello:latest"], "volumes": [],
                        "networks": ["friendlyhello"]})
    assert set(paths) == {"containers", "images", "networks"}
    container = urlsplit(paths["containers"])
    assert container.path == "/containers/json"
    assert parse_qs(container.query)["all"] == ["1"]
    assert json.loads(parse_qs(container.query)["filters"][0]) == {"name": ["redis", "web"]}
    images = parse_qs(urlsplit(paths["images"]).query)
    assert json.loads(images["filters"][0]) == {"reference": ["friendlyhello:latest"]}


def test_nothing_asked_reads_nothing() -> None:
    assert list_paths({}) == {}
    assert read_objects({}, "/nonexistent/docker.sock") == index_objects({})


def test_index_by_exact_name_images_by_each_tag() -> None:
    state = index_objects({"containers": ANSWERS["/containers/json"], "images": ANSWERS["/images/json"],
                           "volumes": ANSWERS["/volumes"]["Volumes"], "networks": ANSWERS["/networks"]})
    assert set(state["containers"]) == {"redis", "redis-old"}
    assert state["images"]["friendlyhello:v2"]["Id"] == "sha256:i1"
    assert state["volumes"]["redis-data"]["Labels"] == {"org.dockyard.seed": "x"}
    assert state["networks"]["friendlyhello"]["Driver"] == "bridge"
    assert index_objects({"volumes": None}) == {"containers": {}, "images": {}, "volumes": {}, "networks": {}}


def test_read_from_the_socket(engine: tuple[str, type[_Engine]]) -> None:
    path, handler = engine
    state = read_objects({"containers": ["redis"], "images": ["friendlyhello:latest"], "volumes": ["redis-data"],
                          "networks": ["friendlyhello"]}, path)
    assert state["containers"]["redis"]["Labels"] == {"org.dockyard.spec": "ab"}
    assert state["images"]["friendlyhello:latest"]["Id"] == "sha256:i1"
    assert list(state["volumes"]) == ["redis-data"]
    assert list(state["networks"]) == ["friendlyhello"]
    assert handler.seen == [
        ("/containers/json", {"all": "1", "filters": {"name": ["redis"]}}),
        ("/images/json", {"filters": {"reference": ["friendlyhello:latest"]}}),
        ("/volumes", {"filters": {"name": ["redis-data"]}}),
        ("/networks", {"filters": {"name": ["friendlyhello"]}}),
    ]


def test_an_api_error_names_the_path_and_docker_s_message(engine: tuple[str, type[_Engine]]) -> None:
    path, handler = engine
    handler.status = 400
    with pytest.raises(DockerReadError, match=r"GET /containers/json with 400: client version 1.99 is too new"):
        read_objects({"containers": ["redis"]}, path)


def test_no_socket_names_the_socket(tmp_path: Path) -> None:
    missing = str(tmp_path / "docker.sock")
    with pytest.raises(DockerReadError, match=f"cannot reach Docker at {missing}: .*Is Docker installed and running"):
        read_objects({"volumes": ["redis-data"]}, missing)


def test_the_module_reads_docker_objects_in_the_same_round_trip(engine: tuple[str, type[_Engine]]) -> None:
    path, _ = engine
    docker = {"socket": path, "containers": ["redis"], "volumes": ["redis-data"]}
    result = run_module("dockyard.lab.host_state", {"packages": ["bash"], "docker": docker})
    assert result["changed"] is False and result["packages"]["bash"]
    assert result["docker"]["containers"]["redis"]["State"] == "running"
    assert list(result["docker"]["volumes"]) == ["redis-data"]
    assert result["docker"]["images"] == {} and result["docker"]["networks"] == {}
    assert "docker" not in run_module("dockyard.lab.host_state", {"packages": ["bash"]})


def test_the_module_fails_naming_the_socket(tmp_path: Path) -> None:
    missing = str(tmp_path / "docker.sock")
    result = run_module("dockyard.lab.host_state", {"docker": {"socket": missing, "containers": ["redis"]}})
    assert result.get("failed") is True
    assert result["msg"].startswith(f"host_state: cannot reach Docker at {missing}: ")


def test_a_socket_that_does_not_speak_http_is_a_read_error(tmp_path: Path) -> None:
    path = str(tmp_path / "not-docker.sock")

    class _Garbage(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(4096)
            self.request.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")

    server = socketserver.UnixStreamServer(path, _Garbage)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        with pytest.raises(DockerReadError, match=f"cannot reach Docker at {path}: "):
            read_objects({"containers": ["redis"]}, path)
    finally:
        thread.join(5)
        server.server_close()
