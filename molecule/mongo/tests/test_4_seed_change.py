"""Changing the seed after the first start is reported, never applied over existing data."""

from __future__ import annotations

from conftest import inspect, photographers, run_role

# Its own image, container, port and volumes: mymongo and mongo-perso stay as they are.
SEED = {
    "mongo_image_name": "mongo-seed-test",
    "mongo_container_name": "mymongo-seed",
    "mongo_port": 27019,
}
ADDRESS = "localhost:27019/artists"
CHANGED = {"photographers": [{"name": "carol", "interests": ["fashion"]}], "painters": [{"name": "dora"}]}


def _state(host):
    return (inspect(host, "mymongo-seed")["Id"], inspect(host, "mongo-seed-test:latest")["Id"])


def test_changed_seed_warns_and_keeps_the_data(host):
    first = run_role(SEED)
    assert first.rc == 0, first.output
    assert "WARNING" not in first.output
    result = run_role({**SEED, "mongo_init_database": CHANGED})
    assert result.rc == 0, result.output
    warning = "WARNING: mongo_init_database (or mongo_database) differs from the seed that initialised volume"
    assert f"{warning} mymongo-seed-db" in result.output
    # Not re-seeded, not wiped: still exactly the first seed.
    assert [doc["name"] for doc in photographers(host, ADDRESS)] == ["alice", "bob"]


def test_changed_seed_fails_before_any_change_when_asked(host):
    before = _state(host)
    changed = {"photographers": [{"name": "eve"}]}
    result = run_role({**SEED, "mongo_init_database": changed, "mongo_seed_change": "fail"})
    assert result.rc != 0
    assert "mongo_seed_change is fail" in result.output
    assert _state(host) == before


def test_cleanup_seed_container(host):
    host.check_output(
        "docker rm -f mymongo-seed && docker volume rm mymongo-seed-db mymongo-seed-configdb"
        " && docker rmi mongo-seed-test:latest && rm -rf /opt/dockyard/mongo-seed-test"
    )
