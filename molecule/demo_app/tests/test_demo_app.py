"""friendlyhello on the converged instance: routes, counter, persistence, failures, replicas, push.

The tests run in file order and share the instance: each leaves the app as converge made it
(or says what it changed for the next one).
"""

from __future__ import annotations

import json
import time

from conftest import (
    APP,
    DISABLED,
    IMAGE,
    REDIS,
    container_id,
    get,
    inspect,
    run_role,
    status,
    visits,
    wait_for_redis,
)

SCRIPT_NAME = "<script>alert(1)</script>"


def test_routes_answer_as_the_course_says(host):
    assert get(host, "/") == (200, "Hello, World!")
    assert get(host, "/name") == (200, "Hello, World!")
    page = status(host)
    assert page["name"] == "World"
    assert page["visits"].isdigit()


def test_status_shows_the_container_hostname(host):
    hostname = host.check_output("docker inspect --format '{{.Config.Hostname}}' %s", APP)
    assert status(host)["hostname"] == hostname
    assert container_id(host, APP).startswith(hostname)


def test_counter_rises_by_one_per_request(host):
    first = visits(host)
    assert [visits(host) for _ in range(3)] == [first + 1, first + 2, first + 3]


def test_redis_is_append_only_on_a_named_volume_and_network_alias(host):
    assert host.check_output("docker exec %s redis-cli config get appendonly", REDIS).split() == ["appendonly", "yes"]
    redis = inspect(host, REDIS)
    mounts = {m["Destination"]: m for m in redis["Mounts"]}
    assert mounts["/data"]["Type"] == "volume"
    assert mounts["/data"]["Name"] == "friendlyhello-redis-data"
    assert "redis" in redis["NetworkSettings"]["Networks"]["friendlyhello"]["Aliases"]
    app = inspect(host, APP)
    assert list(app["NetworkSettings"]["Networks"]) == ["friendlyhello"]
    assert app["HostConfig"]["PortBindings"] == {"5000/tcp": [{"HostIp": "0.0.0.0", "HostPort": "4000"}]}
    assert app["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"


def test_app_runs_gunicorn_as_non_root_and_turns_healthy(host):
    app = inspect(host, APP)
    assert app["Config"]["User"] == "app"
    assert app["Config"]["Cmd"][:3] == ["python", "-m", "gunicorn"]
    deadline = time.monotonic() + 60
    while host.check_output("docker inspect --format '{{.State.Health.Status}}' %s", APP) != "healthy":
        assert time.monotonic() < deadline, "the app container never turned healthy"
        time.sleep(2)


def test_build_context_and_image_label(host):
    for name in ("Dockerfile", "app.py", "requirements.txt"):
        context = host.file(f"/opt/demo_app/{name}")
        assert context.mode == 0o644
        assert "Ansible managed" in context.content_string
    dockerfile = host.file("/opt/demo_app/Dockerfile").content_string
    assert "FROM dockyard/python:3.11-slim" in dockerfile
    assert "pip install --no-cache-dir --disable-pip-version-check -r requirements.txt" in dockerfile
    labels = inspect(host, IMAGE)["Config"]["Labels"]
    assert len(labels["org.dockyard.demo_app.context"]) == 64


def test_counter_survives_a_rerun_of_the_play(host):
    before = {name: container_id(host, name) for name in (APP, REDIS)}
    image = container_id(host, IMAGE)
    count = visits(host)
    result = run_role({})
    assert result.rc == 0, result.output
    assert result.changed() == 0, result.output
    # One read of the network, volume, containers and images; no change task runs.
    assert result.statuses("Read the app's network, volume, containers and images") == ["ok"]
    # The build took the image's label from that read: no read of its own.
    assert result.statuses("Read the image's record of its build context") == ["skipping"]
    # The plan found nothing to change: the change tasks are one skipped include, and none runs.
    assert result.statuses("Start, create again or remove what differs") == ["skipping"], result.output[-3000:]
    for task in ("Create the app network", "Create the Redis data volume", "Run the app replicas",
                 "Run Redis with append-only persistence (running as asked)",
                 "Remove replicas beyond demo_app_replicas"):
        assert result.statuses(task) == [], (task, result.output[-3000:])
    assert {name: container_id(host, name) for name in (APP, REDIS)} == before
    assert container_id(host, IMAGE) == image
    assert visits(host) == count + 1


def test_name_is_escaped_and_counter_survives_app_recreation(host):
    app_before, image_before = container_id(host, APP), container_id(host, IMAGE)
    count = visits(host)
    result = run_role({"demo_app_name": SCRIPT_NAME})
    assert result.rc == 0, result.output
    # NAME lives in the container's environment: the container is re-created, the image is not rebuilt.
    assert container_id(host, APP) != app_before
    assert container_id(host, IMAGE) == image_before
    assert get(host, "/name") == (200, "Hello, &lt;script&gt;alert(1)&lt;/script&gt;!")
    page = status(host)
    assert "<script>" not in page["name"]
    assert page["name"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert int(page["visits"]) == count + 1


def test_counter_survives_docker_and_container_restarts(host):
    count = visits(host)
    host.check_output("systemctl restart docker")
    assert visits(host) == count + 1
    host.check_output("docker restart %s %s", REDIS, APP)
    wait_for_redis(host)
    assert visits(host) == count + 2


def test_app_keeps_serving_while_redis_is_stopped(host):
    count = visits(host)
    host.check_output("docker stop %s", REDIS)
    try:
        page = status(host)
        assert page["visits"] == DISABLED
        assert get(host, "/") == (200, "Hello, World!")
        assert host.check_output("docker inspect --format '{{.State.Running}}' %s", APP) == "true"
    finally:
        host.check_output("docker start %s", REDIS)
        wait_for_redis(host)
    assert visits(host) == count + 1


def test_counter_survives_redis_recreation_two_replicas_share_it_and_push(host):
    # One play (runs are slow): Redis re-created, NAME back to World, a second replica, a push.
    count = visits(host)
    redis_before = container_id(host, REDIS)
    # SIGKILL, then remove: no snapshot on shutdown, only the append-only file keeps the count.
    time.sleep(1.5)
    host.check_output("docker kill %s && docker rm %s", REDIS, REDIS)
    result = run_role({
        "demo_app_replicas": 2,
        "demo_app_push": True,
        "demo_app_push_registry": "localhost:5000",
        "demo_app_push_repository": "lab/friendlyhello",
        "demo_app_push_tag": "v1",
        "demo_app_push_username": "student",
        "demo_app_push_password": "lab-secret",
    })
    assert result.rc == 0, result.output
    assert "lab-secret" not in result.output
    assert container_id(host, REDIS) != redis_before
    wait_for_redis(host)
    first = status(host, 4000)
    assert first["name"] == "World"
    assert int(first["visits"]) == count + 1
    # Replica 2 is friendlyhello-2 on host port 4001, counting on the same Redis.
    second = status(host, 4001)
    assert second["hostname"] != first["hostname"]
    assert int(second["visits"]) == count + 2
    tags = json.loads(host.check_output(
        "curl -sS -u student:lab-secret http://localhost:5000/v2/lab/friendlyhello/tags/list"))
    assert tags["tags"] == ["v1"]
    assert container_id(host, "localhost:5000/lab/friendlyhello:v1") == container_id(host, IMAGE)


def test_changed_context_rebuilds_and_extra_replicas_go(host):
    image_before = container_id(host, IMAGE)
    count = visits(host)
    result = run_role({"demo_app_server": "flask"})
    assert result.rc == 0, result.output
    assert container_id(host, IMAGE) != image_before
    # The read came before the build: the replica is re-created because the image was rebuilt.
    assert inspect(host, APP)["Image"] == container_id(host, IMAGE)
    assert inspect(host, APP)["Config"]["Cmd"] == ["python", "app.py"]
    assert host.run("docker inspect %s", "friendlyhello-2").rc != 0
    assert host.run("curl -sS --max-time 5 http://127.0.0.1:4001/").rc != 0
    assert visits(host) == count + 1
    assert get(host, "/name") == (200, "Hello, World!")
    # Back to the converged configuration.
    result = run_role({})
    assert result.rc == 0, result.output
    assert inspect(host, APP)["Config"]["Cmd"][:3] == ["python", "-m", "gunicorn"]
    assert visits(host) == count + 2
