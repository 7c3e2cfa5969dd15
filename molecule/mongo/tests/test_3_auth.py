"""Authentication on, in its own container, port and volumes (mymongo stays as it is)."""

from __future__ import annotations

from conftest import IMAGE, inspect, mongo_shell, photographers, run_role

ROOT_PASSWORD = "r00t-Secret'\"x"
APP_PASSWORD = "app-Secret-42"
AUTH = {
    "mongo_container_name": "mymongo-auth",
    "mongo_port": 27018,
    "mongo_auth_enabled": True,
    "mongo_root_password": ROOT_PASSWORD,
    "mongo_app_username": "photo_app",
    "mongo_app_password": APP_PASSWORD,
}
ADDRESS = "localhost:27018/artists"
APP_LOGIN = ("-u", "photo_app", "-p", APP_PASSWORD, "--authenticationDatabase", "artists")


def test_auth_container_starts_and_a_second_run_changes_nothing(host):
    first = run_role(AUTH)
    assert first.rc == 0, first.output
    second = run_role(AUTH)
    assert second.rc == 0, second.output
    assert second.changed() == 0, second.output
    for output in (first.output, second.output):
        assert ROOT_PASSWORD not in output and APP_PASSWORD not in output


def test_an_unauthenticated_read_fails(host):
    result = mongo_shell(host, ADDRESS, "printjson(db.photographers.find().toArray())")
    assert result.rc != 0
    assert "requires authentication" in result.stdout + result.stderr or "Unauthorized" in result.stdout + result.stderr


def test_the_application_user_reads_the_seed(host):
    names = [doc["name"] for doc in photographers(host, ADDRESS, *APP_LOGIN)]
    assert names == ["alice", "bob"]


def test_a_wrong_password_is_refused(host):
    result = mongo_shell(host, ADDRESS, "db.photographers.count()", "-u", "photo_app", "-p", "wrong",
                         "--authenticationDatabase", "artists")
    assert result.rc != 0


def test_passwords_are_not_in_the_image(host):
    history = host.check_output(f"docker history --no-trunc {IMAGE}")
    image = host.check_output(f"docker image inspect {IMAGE}")
    context = host.check_output("cat /opt/dockyard/mongo-perso/Dockerfile /opt/dockyard/mongo-perso/initdb/*")
    for text in (history, image, context):
        assert ROOT_PASSWORD not in text and APP_PASSWORD not in text
    # The root credentials are the container's run-time environment (the image's contract).
    env = inspect(host, "mymongo-auth")["Config"]["Env"]
    assert "MONGO_INITDB_ROOT_USERNAME=root" in env


def test_a_changed_application_password_is_applied(host):
    result = run_role({**AUTH, "mongo_app_password": "changed-Secret-7"})
    assert result.rc == 0, result.output
    assert result.changed() == 1, result.output
    login = ("-u", "photo_app", "-p", "changed-Secret-7", "--authenticationDatabase", "artists")
    assert [doc["name"] for doc in photographers(host, ADDRESS, *login)] == ["alice", "bob"]


def test_a_wrong_root_password_is_reported(host):
    result = run_role({**AUTH, "mongo_root_password": "not-the-one"})
    assert result.rc != 0
    assert "mongo_root_password must be the password it was created with" in result.output


def test_switching_authentication_off_on_its_data_is_refused_before_any_change(host):
    before = inspect(host, "mymongo-auth")["Id"]
    result = run_role({**AUTH, "mongo_auth_enabled": False, "mongo_app_username": ""})
    assert result.rc != 0
    assert "mongo_auth_enabled is false but volume mymongo-auth-db" in result.output
    assert inspect(host, "mymongo-auth")["Id"] == before


def test_cleanup_auth_container(host):
    host.check_output("docker rm -f mymongo-auth && docker volume rm mymongo-auth-db mymongo-auth-configdb")
