"""Bad input fails in validation, before anything changes, with a message naming the variable."""

from __future__ import annotations

import pytest
from conftest import run_role

CASES = [
    ({"demo_app_host_port": 70000}, "demo_app_host_port must be a port number from 1 to 65535"),
    ({"demo_app_host_port": 0}, "demo_app_host_port must be a port number from 1 to 65535"),
    ({"demo_app_container_port": 65536}, "demo_app_container_port must be a port number from 1 to 65535"),
    ({"demo_app_host_port": 65535, "demo_app_replicas": 2}, "demo_app_host_port + demo_app_replicas - 1"),
    ({"demo_app_name": ""}, "demo_app_name must be a non-empty string"),
    ({"demo_app_name": "   "}, "demo_app_name must be a non-empty string"),
    ({"demo_app_replicas": 0}, "demo_app_replicas must be a whole number of at least 1"),
    ({"demo_app_replicas": "two"}, "demo_app_replicas"),
    ({"demo_app_base_image": "Python:3.11 slim"}, "demo_app_base_image"),
    ({"demo_app_redis_image": "redis:7:latest"}, "demo_app_redis_image"),
    ({"demo_app_image_name": "FriendlyHello"}, "demo_app_image_name"),
    ({"demo_app_image_tag": "v1/beta"}, "demo_app_image_tag"),
    ({"demo_app_server": "uwsgi"}, "demo_app_server"),
    ({"demo_app_host_ip": "localhost"}, "demo_app_host_ip"),
    ({"demo_app_push": True, "demo_app_push_registry": "https://localhost:5000"}, "demo_app_push_registry"),
]


def _snapshot(host) -> str:  # type: ignore[no-untyped-def]
    return host.check_output(
        "docker ps -aq --no-trunc"
        " | xargs -r docker inspect --format '{{.Name}} {{.Id}} {{.Image}} {{.State.StartedAt}}';"
        " docker images -q --no-trunc; docker network ls -q; docker volume ls -q;"
        " sha256sum /opt/demo_app/*"
    )


@pytest.mark.parametrize(("extra", "named"), CASES, ids=[str(c[0]) for c in CASES])
def test_bad_input_fails_before_any_change(host, extra, named):
    before = _snapshot(host)
    result = run_role(extra)
    assert result.rc != 0, result.output
    assert named in result.output, result.output
    assert "changed=0" in result.output, result.output
    assert _snapshot(host) == before
