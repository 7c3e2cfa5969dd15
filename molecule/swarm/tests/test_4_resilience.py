"""The swarm keeps the requested replicas: a killed replica, a drained node, a stopped node."""

from __future__ import annotations

from typing import Any

from conftest import (
    MANAGER,
    WORKER1,
    WORKER2,
    _host,
    hostnames_and_counts,
    nodes,
    outer_docker,
    replicas_on,
    run_swarm,
    running_tasks,
    wait_for,
)


def test_a_killed_replica_is_replaced(manager: Any) -> None:
    before = replicas_on(manager, 3)
    victim = before[0]
    host = _host(victim["node"])
    container = host.check_output("docker ps -q --filter label=com.docker.swarm.task.id=%s", victim["id"])
    host.check_output("docker kill %s", container)
    # The restart policy (any) brings a new task; back to three.
    after = wait_for("a replacement task", lambda: running_tasks(manager),
                     lambda tasks: len(tasks) == 3 and victim["id"] not in {t["id"] for t in tasks})
    assert len(after) == 3


def test_a_drained_node_hands_its_tasks_over(manager: Any) -> None:
    result = run_swarm({"swarm_drain_host": WORKER2})
    assert result.rc == 0, result.output[-3000:]
    assert {n["Hostname"]: n["Availability"] for n in nodes(manager)}[WORKER2] == "Drain"
    tasks = wait_for("no web task on the drained node", lambda: running_tasks(manager),
                     lambda tasks: len(tasks) == 3 and WORKER2 not in {t["node"] for t in tasks})
    assert {t["node"] for t in tasks} <= {MANAGER, WORKER1}
    # Back to active by hand (the next run of the role would do it too): tasks stay where they
    # are until something reschedules them.
    manager.check_output("docker node update --availability active %s", WORKER2)


def test_a_stopped_node_loses_its_replicas_to_the_others_and_rejoins(manager: Any) -> None:
    # Make WORKER1 hold a replica: spread the tasks again (WORKER2 came back from drain).
    manager.check_output("docker service update --detach --force friendlyhello_web")
    wait_for("a web task on each node", lambda: running_tasks(manager),
             lambda tasks: len(tasks) == 3 and WORKER1 in {t["node"] for t in tasks}, 180)
    outer_docker("stop", WORKER1)
    try:
        wait_for(f"{WORKER1} down", lambda: nodes(manager),
                 lambda listed: {n["Hostname"]: n["Status"] for n in listed}[WORKER1] == "Down")
        tasks = wait_for("three web tasks on the nodes left", lambda: running_tasks(manager),
                         lambda tasks: len(tasks) == 3 and WORKER1 not in {t["node"] for t in tasks}, 180)
        assert {t["node"] for t in tasks} <= {MANAGER, WORKER2}
        names, counts = hostnames_and_counts(manager, 9)
        assert len(names) >= 2 and counts == list(range(counts[0], counts[0] + 9))
    finally:
        outer_docker("start", WORKER1)
    wait_for(f"{WORKER1} ready again", lambda: nodes(manager),
             lambda listed: {n["Hostname"]: n["Status"] for n in listed}[WORKER1] == "Ready", 180)
    # Its global proxy task comes back with it.
    wait_for("the proxy on every node", lambda: running_tasks(manager, "friendlyhello_proxy"),
             lambda tasks: {t["node"] for t in tasks} == {MANAGER, WORKER1, WORKER2}, 180)
    assert len(nodes(manager)) == 3
