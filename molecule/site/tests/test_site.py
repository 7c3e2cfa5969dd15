"""site.yml over SSH as admin with sudo: what a student who logs in afterwards finds."""

from __future__ import annotations

import json

from conftest import status


def test_the_student_has_no_sudo_but_uses_docker(student) -> None:  # type: ignore[no-untyped-def]
    assert student.check_output("id -un") == "student"
    assert student.run("sudo -n true").rc != 0, "the student must not have sudo"
    assert "docker" in student.check_output("id -Gn").split()
    names = student.check_output("docker ps --format '{{.Names}}'").split()
    assert {"friendlyhello-1", "friendlyhello-redis", "mymongo"} <= set(names)


def test_the_student_runs_a_container(student) -> None:  # type: ignore[no-untyped-def]
    out = student.check_output("docker run --rm dockyard/python:3.11-slim python3 -c 'print(6 * 7)'")
    assert out == "42"


def test_the_demo_app_answers_and_counts(student) -> None:  # type: ignore[no-untyped-def]
    assert student.check_output("curl -sS http://127.0.0.1:4000/") == "Hello, World!"
    assert student.check_output("curl -sS http://127.0.0.1:4000/name") == "Hello, Students!"
    first, second = status(student), status(student)
    assert first["name"] == "Students"
    assert int(second["visits"]) == int(first["visits"]) + 1


def test_mongo_holds_the_seeded_photographers(student) -> None:  # type: ignore[no-untyped-def]
    script = ("JSON.stringify(db.getSiblingDB('artists').photographers"
              ".find({}, {_id: 0, name: 1}).sort({name: 1}).toArray())")
    out = student.check_output(f"docker exec mymongo mongo-perso-shell --quiet --eval \"{script}\"")
    assert json.loads(out.splitlines()[-1]) == [{"name": "alice"}, {"name": "bob"}]


def test_mongo_listens_on_loopback_only(admin) -> None:  # type: ignore[no-untyped-def]
    ports = admin.check_output("docker port mymongo 27017")
    assert ports.strip() == "127.0.0.1:27017"


def test_ansible_came_in_as_admin_over_ssh(admin) -> None:  # type: ignore[no-untyped-def]
    assert admin.check_output("id -un") == "admin"
    assert admin.run("sudo -n true").rc == 0, "admin has passwordless sudo"
    # The docker role added the connecting user too (docker_users), so admin uses Docker
    # without sudo (converge.yml proved it within the same run).
    assert admin.run("docker info --format '{{.ServerVersion}}'").rc == 0
