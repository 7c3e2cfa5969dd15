"""The demo app as a stack: replicas spread, limits and restart policy, the proxy, one counter."""

from __future__ import annotations

from typing import Any

from conftest import MANAGER, STACK, WEB, hostnames_and_counts, replicas_on, running_tasks, service


def test_web_runs_three_replicas_spread_over_the_nodes(manager: Any) -> None:
    tasks = replicas_on(manager, 3)
    assert len({t["node"] for t in tasks}) >= 2, tasks
    spec = service(manager)["Spec"]
    assert spec["Mode"]["Replicated"]["Replicas"] == 3
    assert spec["EndpointSpec"]["Mode"] == "dnsrr"
    assert spec["Labels"]["com.docker.stack.namespace"] == STACK


def test_service_inspect_shows_limits_and_restart_policy(manager: Any) -> None:
    template = service(manager)["Spec"]["TaskTemplate"]
    assert template["Resources"]["Limits"] == {"NanoCPUs": 500_000_000, "MemoryBytes": 128 * 1024 * 1024}
    assert template["RestartPolicy"]["Condition"] == "any"
    update = service(manager)["Spec"]["UpdateConfig"]
    assert (update["Parallelism"], update["Delay"], update["Order"]) == (1, 2_000_000_000, "stop-first")


def test_redis_runs_on_the_manager_with_its_volume(manager: Any) -> None:
    tasks = replicas_on(manager, 1, f"{STACK}_redis")
    assert tasks[0]["node"] == MANAGER
    mounts = service(manager, f"{STACK}_redis")["Spec"]["TaskTemplate"]["ContainerSpec"]["Mounts"]
    assert [(m["Source"], m["Target"]) for m in mounts] == [("friendlyhello_redis-data", "/data")]


def test_proxy_runs_on_every_node_with_a_host_port(manager: Any) -> None:
    spec = service(manager, f"{STACK}_proxy")["Spec"]
    assert "Global" in spec["Mode"]
    assert spec["EndpointSpec"]["Ports"] == [
        {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 4000, "PublishMode": "host"}]
    assert len(running_tasks(manager, f"{STACK}_proxy")) == 3


def test_requests_reach_several_replicas_and_share_one_counter(manager: Any, worker1: Any, worker2: Any) -> None:
    web = {t["id"] for t in running_tasks(manager, WEB)}
    assert len(web) == 3
    names, counts = hostnames_and_counts(manager, 15)
    assert len(names) >= 2, names
    # One Redis for every replica: the counter rises by one per request, whoever answers.
    assert counts == list(range(counts[0], counts[0] + 15))
    # Each node's own proxy answers too (the port is published on every node), same counter.
    for host in (worker1, worker2):
        more_names, more = hostnames_and_counts(host, 5)
        assert more[0] > counts[-1] and more == list(range(more[0], more[0] + 5))
        names |= more_names
    assert len(names) == 3, names
