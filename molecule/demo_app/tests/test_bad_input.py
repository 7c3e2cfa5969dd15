"""Bad input fails in validation, before anything changes, with a message naming the variable."""

from __future__ import annotations

import pytest
from conftest import run_role

PORT = "must be a port number from 1 to 65535, got"
REFERENCE = "is not an image reference ([registry/]name[:tag][@digest], lower-case name)"
# Each message is the one plugins/filter/demo_app.py writes (argument_specs' for demo_app_server),
# as the play prints it on its "[ERROR]: Task failed" line: the variable to fix first.
CASES = [
    ({"demo_app_host_port": 70000}, f"demo_app_host_port {PORT} 70000"),
    ({"demo_app_host_port": 0}, f"demo_app_host_port {PORT} 0"),
    ({"demo_app_container_port": 65536}, f"demo_app_container_port {PORT} 65536"),
    (
        {"demo_app_host_port": 65535, "demo_app_replicas": 2},
        "demo_app_host_port + demo_app_replicas - 1 must not exceed 65535 (replica n is published on"
        " demo_app_host_port + n - 1), got 65535 + 2 - 1 = 65536",
    ),
    ({"demo_app_name": ""}, 'demo_app_name must be a non-empty string (the NAME the app greets), got ""'),
    ({"demo_app_name": "   "}, 'demo_app_name must be a non-empty string (the NAME the app greets), got "   "'),
    ({"demo_app_replicas": 0}, "demo_app_replicas must be a whole number of at least 1, got 0"),
    ({"demo_app_replicas": "two"}, "argument 'demo_app_replicas' is of type str and we were unable to convert to int"),
    ({"demo_app_base_image": "Python:3.11 slim"}, f'demo_app_base_image "Python:3.11 slim" {REFERENCE}'),
    ({"demo_app_redis_image": "redis:7:latest"}, f'demo_app_redis_image "redis:7:latest" {REFERENCE}'),
    (
        {"demo_app_image_name": "FriendlyHello"},
        'demo_app_image_name "FriendlyHello" is not an image name ([registry/]lower-case/path, without a tag)',
    ),
    (
        {"demo_app_image_tag": "v1/beta"},
        'demo_app_image_tag "v1/beta" is not an image tag (letters, digits, _ . -, at most 128)',
    ),
    ({"demo_app_server": "uwsgi"}, "value of demo_app_server must be one of: gunicorn, flask, got: uwsgi"),
    (
        {"demo_app_host_ip": "localhost"},
        'demo_app_host_ip must be an IPv4 address such as 0.0.0.0 or 127.0.0.1, got "localhost"',
    ),
    (
        {"demo_app_push": True, "demo_app_push_registry": "https://localhost:5000"},
        'demo_app_push_registry "https://localhost:5000" is not a registry host[:port] (without a scheme)',
    ),
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
