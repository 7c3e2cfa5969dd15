"""The course's final exercise, step by step, on the container the converge started."""

from __future__ import annotations

import time

from conftest import IMAGE, inspect, mongo_shell, photographers, run_role

ALICE = {"name": "alice", "interests": ["portrait", "landscape"]}
BOB = {"name": "bob", "interests": ["street", "sports"]}
DOISNEAU = {"name": "doisneau", "interests": ["street"]}


def test_mymongo_runs_healthy_with_a_long_stop_timeout(host):
    data = inspect(host, "mymongo")
    assert data["State"]["Running"]
    assert data["Config"]["Image"] == IMAGE
    assert data["Config"]["StopTimeout"] == 60
    assert data["Config"]["Healthcheck"]["Test"] == ["CMD", "mongo-perso-ping"]
    assert data["HostConfig"]["PortBindings"] == {"27017/tcp": [{"HostIp": "127.0.0.1", "HostPort": "27017"}]}
    mounts = {m["Destination"]: m for m in data["Mounts"]}
    assert mounts["/data/db"]["Type"] == "volume" and mounts["/data/db"]["Name"] == "mymongo-db"
    assert mounts["/data/configdb"]["Name"] == "mymongo-configdb"
    # The course reads the container's address with docker inspect: it has one on the bridge.
    # (Docker 29 dropped the top-level NetworkSettings.IPAddress: read the bridge network's.)
    assert data["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]
    # Docker's own healthcheck (first probe after 30 s) agrees with the role's wait.
    for _ in range(45):
        if inspect(host, "mymongo")["State"]["Health"]["Status"] == "healthy":
            break
        time.sleep(2)
    assert inspect(host, "mymongo")["State"]["Health"]["Status"] == "healthy"


def test_logs_show_the_seed_and_the_server(host):
    logs = host.run("docker logs mymongo 2>&1").stdout
    assert "dockyard seed: artists.photographers: 2 document(s)" in logs
    assert "waiting for connections" in logs


def test_the_course_scenario(host):
    # (2) the seed is there, through localhost:27017 of the Docker host
    assert photographers(host) == [ALICE, BOB]
    # (3) insert doisneau, (4) read it back
    inserted = mongo_shell(host, "localhost/artists",
                           "db.photographers.insertOne({name: 'doisneau', interests: ['street']})")
    assert inserted.rc == 0, inserted.stderr
    assert photographers(host) == [ALICE, BOB, DOISNEAU]
    # (5) stop and (6) remove the container
    host.check_output("docker stop mymongo")
    host.check_output("docker rm mymongo")
    assert mongo_shell(host, "localhost/artists", "1").rc != 0, "something still answers on 27017"
    # (7) the play starts a new container: no re-seed, no wipe; (8) all three are there
    result = run_role({})
    assert result.rc == 0, result.output
    assert photographers(host) == [ALICE, BOB, DOISNEAU]


def test_a_second_run_changes_nothing_and_adds_no_seed_documents(host):
    result = run_role({})
    assert result.rc == 0, result.output
    assert result.changed() == 0, result.output
    assert photographers(host) == [ALICE, BOB, DOISNEAU]


def test_a_hand_started_container_on_the_same_volumes_finds_the_data(host):
    """The course's own (7): `docker run --name mymongo [other options] mongo-perso`."""
    host.check_output("docker stop mymongo && docker rm mymongo")
    host.check_output(
        "docker run -d --name mymongo -p 127.0.0.1:27017:27017 "
        f"-v mymongo-db:/data/db -v mymongo-configdb:/data/configdb {IMAGE}"
    )
    for _ in range(30):
        if host.run("docker exec mymongo mongo-perso-ping").rc == 0:
            break
        time.sleep(1)
    assert photographers(host) == [ALICE, BOB, DOISNEAU]
    # Back to the role's container (a graceful stop: docker's default 10 s is plenty here).
    host.check_output("docker stop mymongo && docker rm mymongo")
    result = run_role({})
    assert result.rc == 0, result.output
    assert photographers(host) == [ALICE, BOB, DOISNEAU]
