"""The compose path: the same compose file with docker compose on one host, N replicas, one counter."""

from __future__ import annotations

import json
from typing import Any

from conftest import hostnames_and_counts


def test_compose_runs_three_replicas_redis_and_the_proxy(worker2: Any) -> None:
    out = worker2.check_output("docker compose -p hello-compose ps --format json")
    # Compose 2.26 prints one JSON object per line.
    services = sorted(json.loads(line)["Service"] for line in out.splitlines())
    assert services == ["proxy", "redis", "web", "web", "web"]
    web = json.loads(worker2.check_output("docker inspect hello-compose-web-1"))[0]["HostConfig"]
    assert (web["NanoCpus"], web["Memory"]) == (500_000_000, 128 * 1024 * 1024)
    # Compose maps deploy.restart_policy.condition any to the engine's always.
    assert web["RestartPolicy"]["Name"] == "always"


def test_compose_replicas_share_one_counter_behind_the_proxy(worker2: Any) -> None:
    names, counts = hostnames_and_counts(worker2, 15, port=4100)
    assert len(names) >= 2, names
    assert counts == list(range(counts[0], counts[0] + 15))


def test_compose_redis_keeps_its_own_volume(worker2: Any) -> None:
    redis = json.loads(worker2.check_output("docker inspect hello-compose-redis-1"))[0]
    assert [(m["Name"], m["Destination"]) for m in redis["Mounts"]] == [("hello-compose_redis-data", "/data")]
