"""The doctor's judgements (plugins/module_utils/doctor.py), its summary filters
(plugins/filter/doctor_summary.py), playbooks/doctor.yml's role defaults, and the module run
against this machine (it changes nothing)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.dockyard.lab.plugins.filter import doctor_summary as fs
from ansible_collections.dockyard.lab.plugins.module_utils import doctor as d

from dockyard_testing.adhoc import run_module

REPO = Path(__file__).resolve().parents[2]
UNIT = {"LoadState": "loaded", "ActiveState": "active", "SubState": "running", "UnitFileState": "enabled"}
INFO: dict[str, Any] = {
    "ServerVersion": "20.10.24+dfsg1",
    "LiveRestoreEnabled": True,
    "LoggingDriver": "json-file",
    "DockerRootDir": "/var/lib/docker",
    "RegistryConfig": {
        "Mirrors": ["http://127.0.0.1:5001/"],
        "InsecureRegistryCIDRs": ["127.0.0.0/8"],
        "IndexConfigs": {"docker.io": {"Secure": True}},
    },
    "Swarm": {"LocalNodeState": "inactive"},
}
DAEMON = {"registry-mirrors": ["http://127.0.0.1:5001"], "live-restore": True, "log-driver": "json-file",
          "log-opts": {"max-size": "10m"}, "dns": ["192.0.2.53"]}
PAGE = "<h3>Hello Students!</h3><b>Hostname:</b> 3f2a<br/><b>Visits:</b> {}"
STATES = {"friendlyhello-1": "running", "friendlyhello-redis": "exited", "mymongo": "running"}


def test_engine_ok_names_both_versions() -> None:
    result = d.engine_check(True, UNIT, True, INFO, "20.10.24+dfsg1")
    assert result["status"] == d.OK and "Docker 20.10.24+dfsg1 (client 20.10.24+dfsg1)" in result["message"]
    assert result["fix"] == ""


@pytest.mark.parametrize(
    ("installed", "unit", "answered", "status", "words"),
    [
        (False, None, False, d.FAIL, "not installed"),
        (True, {**UNIT, "ActiveState": "inactive", "SubState": "dead"}, False, d.FAIL, "inactive (dead)"),
        (True, {**UNIT, "LoadState": "not-found"}, False, d.FAIL, "not known"),
        (True, UNIT, False, d.FAIL, "does not answer"),
        (True, {**UNIT, "UnitFileState": "disabled"}, True, d.WARN, "will not start at boot"),
        (True, None, True, d.OK, "runs"),
    ],
)
def test_engine_states(installed: bool, unit: dict[str, str] | None, answered: bool, status: str, words: str) -> None:
    result = d.engine_check(installed, unit, answered, INFO, "20.10")
    assert result["status"] == status and words in result["message"]
    assert bool(result["fix"]) == (status != d.OK)


def test_a_disabled_unit_is_fine_when_not_expected_enabled() -> None:
    assert d.engine_check(True, {**UNIT, "UnitFileState": "disabled"}, True, INFO, "", False)["status"] == d.OK


def test_client_version() -> None:
    assert d.client_version("Docker version 20.10.24+dfsg1, build 297e128") == "20.10.24+dfsg1"
    assert d.client_version("Docker version 29.1.3, build f52814d") == "29.1.3"
    assert d.client_version("") == ""


def test_daemon_json_that_docker_info_shows_is_ok() -> None:
    result = d.daemon_json_check("/etc/docker/daemon.json", json.dumps(DAEMON), INFO)
    assert result["status"] == d.OK
    assert "dns: not shown by docker info" in result["message"]


@pytest.mark.parametrize(
    ("change", "key", "variable"),
    [
        ({"live-restore": False}, "live-restore", "docker_live_restore"),
        ({"log-driver": "local"}, "log-driver", "docker_log_driver"),
        ({"registry-mirrors": ["https://mirror.lab.test"]}, "registry-mirrors", "docker_registry_mirrors"),
        ({"data-root": "/srv/docker"}, "data-root", "docker_data_root"),
        ({"insecure-registries": ["reg.lab.test:5000"]}, "insecure-registries", "docker_insecure_registries"),
    ],
)
def test_a_key_dockerd_did_not_take_fails_naming_key_values_and_variable(
    change: dict[str, Any], key: str, variable: str
) -> None:
    result = d.daemon_json_check("/etc/docker/daemon.json", json.dumps({**DAEMON, **change}), INFO)
    assert result["status"] == d.FAIL
    assert f"{key}: the file says {json.dumps(change[key])}, docker info shows" in result["message"]
    assert f"{key} ({variable})" in result["fix"]


@pytest.mark.parametrize(("text", "why"), [("{", "not JSON"), ("", "empty"), ("[1]", "not a JSON object")])
def test_daemon_json_that_does_not_parse_fails(text: str, why: str) -> None:
    result = d.daemon_json_check("/etc/docker/daemon.json", text, None)
    assert result["status"] == d.FAIL and why in result["message"] and "restart docker" in result["fix"]


def test_daemon_json_missing_or_engine_down() -> None:
    assert d.daemon_json_check("/etc/docker/daemon.json", None, None)["status"] == d.OK
    result = d.daemon_json_check("/etc/docker/daemon.json", "{}", None)
    assert result["status"] == d.SKIP and "parses" in result["message"]


def test_validate() -> None:
    path = "/etc/docker/daemon.json"
    assert d.validate_check(path, False, 0, "")["status"] == d.SKIP
    assert d.validate_check(path, True, 125, "unknown flag: --validate\nSee 'dockerd --help'.")["status"] == d.SKIP
    assert d.validate_check(path, True, 0, "configuration OK")["status"] == d.OK
    bad = d.validate_check(path, True, 1, 'the following directives are specified both ...: "debug"')
    assert bad["status"] == d.FAIL and "debug" in bad["message"]


def test_users() -> None:
    assert d.user_check("ghost", False, [], None)["status"] == d.FAIL
    out = d.user_check("student", True, ["admin"], None)
    assert out["status"] == d.FAIL and "usermod -aG docker student" in out["fix"]
    assert d.user_check("student", True, ["student"], None)["status"] == d.SKIP
    login = d.user_check("student", True, ["student"], (1, "permission denied while trying to connect"))
    assert login["status"] == d.FAIL and "permission denied" in login["message"]
    assert d.user_check("student", True, ["admin", "student"], (0, "20.10.24"))["status"] == d.OK


def test_mirrors() -> None:
    down = d.mirror_check("http://127.0.0.1:5001", None, "[Errno 111] Connection refused")
    assert down["status"] == d.FAIL and "Connection refused" in down["message"]
    assert "docker_registry_mirrors" in down["fix"]
    assert d.mirror_check("http://m", 404, "")["status"] == d.FAIL
    assert d.mirror_check("http://m/", 200, "")["message"] == "http://m/v2/ answers HTTP 200"
    assert d.mirror_check("https://m", 401, "")["status"] == d.OK


def test_registries() -> None:
    assert d.registry_target("reg.lab:5000") == ("reg.lab", 5000)
    assert d.registry_target("reg.lab") == ("reg.lab", 443)
    assert d.registry_target("[fd00::1]:5000") == ("fd00::1", 5000)
    error = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"
    untrusted = d.registry_check("localhost:5443", [], error, "/etc/docker/certs.d")
    assert untrusted["status"] == d.FAIL and "no CA in /etc/docker/certs.d/localhost:5443/" in untrusted["message"]
    assert "/etc/docker/certs.d/localhost:5443/ca.crt" in untrusted["fix"]
    assert "docker_registries" in untrusted["fix"]
    refused = d.registry_check("reg:5000", [], "[Errno 111] Connection refused", "/etc/docker/certs.d")
    assert refused["status"] == d.FAIL and "start the registry" in refused["fix"]
    assert d.registry_check("reg:5000", ["/x/ca.crt"], "", "/etc/docker/certs.d")["status"] == d.OK


def test_dns() -> None:
    assert d.dns_names("friendlyhello", True, ["127.0.0.1", "localhost", "reg.lab", "reg.lab"]) == {
        "friendlyhello": ["redis"], "bridge": ["reg.lab"]}
    assert d.dns_names("friendlyhello", False, ["127.0.0.1"]) == {}
    assert d.parse_resolved("ok redis\nno reg.lab\nnoise\n") == {"redis": True, "reg.lab": False}
    wanted = {"friendlyhello": ["redis"], "bridge": ["reg.lab"]}
    good = d.dns_check(wanted, {"friendlyhello": {"redis": True}, "bridge": {"reg.lab": True}}, {})
    assert good["status"] == d.OK and "redis on friendlyhello" in good["message"]
    bad = d.dns_check(wanted, {"friendlyhello": {"redis": True}, "bridge": {"reg.lab": False}}, {})
    assert bad["status"] == d.FAIL and "reg.lab on bridge" in bad["message"] and "redis" not in bad["message"]
    assert d.dns_check(wanted, {}, {"bridge": "no image"})["status"] == d.FAIL
    assert d.dns_check({}, {}, {})["status"] == d.SKIP


def test_container_states() -> None:
    rows = d.parse_json_lines('{"Names":"a","State":"running"}\n{"Names":"b,c","Status":"Exited (0)"}\nnot json\n')
    assert d.container_states(rows) == {"a": "running", "b": "exited", "c": "exited"}


def test_demo_app_and_counter() -> None:
    assert d.visits(PAGE.format(41)) == 41
    assert d.visits(PAGE.format("<i>cannot connect to Redis, counter disabled</i>")) is None
    assert d.probe_address("0.0.0.0") == "127.0.0.1" and d.probe_address("10.0.0.5") == "10.0.0.5"
    ok = d.demo_app_check({"friendlyhello-1": (PAGE.format(1), "http://127.0.0.1:4000/status")}, STATES)
    assert ok["status"] == d.OK
    down = d.demo_app_check({"friendlyhello-1": (None, "http://127.0.0.1:4000/status: refused")},
                            {"friendlyhello-1": "exited"})
    assert down["status"] == d.FAIL and "friendlyhello-1 is exited" in down["message"]
    assert down["fix"].startswith("sudo docker start friendlyhello-1")
    assert d.counter_check(PAGE.format(1), PAGE.format(2), "friendlyhello-redis", STATES)["status"] == d.OK
    assert d.counter_check(None, None, "friendlyhello-redis", STATES)["status"] == d.SKIP
    off = PAGE.format("<i>cannot connect to Redis, counter disabled</i>")
    redis = d.counter_check(off, off, "friendlyhello-redis", STATES)
    assert redis["status"] == d.FAIL and "friendlyhello-redis is exited" in redis["message"]
    assert "docker start friendlyhello-redis" in redis["fix"]
    assert d.counter_check(PAGE.format(5), PAGE.format(5), "r", STATES)["status"] == d.FAIL


def test_mongo() -> None:
    script = d.mongo_script("artists", ["photographers"], False)
    assert '["photographers"]' in script and "itcount()" in script and "ping: 1" in script
    assert "[]" in d.mongo_script("artists", ["photographers"], True)
    answer = 'noise\n{"ping":1,"counts":{"photographers":2}}\n'
    ok = d.mongo_check("mymongo", "artists", ["photographers"], False, STATES, 0, answer)
    assert ok["status"] == d.OK and "artists.photographers: 2" in ok["message"]
    empty = d.mongo_check("mymongo", "artists", ["photographers"], False, STATES, 0, '{"ping":1,"counts":{}}')
    assert empty["status"] == d.FAIL and "artists.photographers holds no document" in empty["message"]
    assert d.mongo_check("mymongo", "artists", ["photographers"], True, STATES, 0, '{"ping":1,"counts":{}}')[
        "status"] == d.OK
    assert d.mongo_check("mymongo", "a", [], False, {"mymongo": "exited"}, 1, "")["status"] == d.FAIL
    assert d.mongo_check("mymongo", "a", [], False, STATES, 1, "connection refused")["status"] == d.FAIL


@pytest.mark.parametrize(("free", "status"), [(50, d.OK), (15, d.OK), (14.9, d.WARN), (5, d.WARN), (4.9, d.FAIL)])
def test_space_thresholds(free: float, status: str) -> None:
    result = d.space_check("/var/lib/docker", 1000 * d.GIB, int(free * 10 * d.GIB), 15, 5)
    assert result["status"] == status
    assert ("docker system prune" in result["fix"]) == (status != d.OK)


def test_inodes() -> None:
    assert d.inode_check("/x", 0, 0, 10, 5)["status"] == d.SKIP
    assert d.inode_check("/x", 100, 7, 10, 5)["status"] == d.WARN
    assert d.inode_check("/x", 100, 2, 10, 5)["status"] == d.FAIL


def test_clock() -> None:
    assert d.clock_check(None, 5, 60)["status"] == d.SKIP
    assert d.clock_check(0.4, 5, 60)["status"] == d.OK
    behind = d.clock_check(-10, 5, 60)
    assert behind["status"] == d.WARN and "behind" in behind["message"] and "set-ntp" in behind["fix"]
    assert d.clock_check(90, 5, 60)["status"] == d.FAIL


def _swarm(**swarm: Any) -> dict[str, Any]:
    return {**INFO, "Swarm": swarm}


def test_swarm() -> None:
    assert [c["status"] for c in d.swarm_checks("", INFO, [], [])] == [d.SKIP]
    assert d.swarm_checks("worker", None, [], [])[0]["status"] == d.SKIP
    assert d.swarm_checks("", None, [], []) == []
    lost = d.swarm_checks("worker", _swarm(LocalNodeState="inactive"), [], [])
    assert lost[0]["status"] == d.FAIL and "swarm.yml" in lost[0]["fix"]
    nodes = [{"Hostname": "m1", "Status": "Ready", "ManagerStatus": "Leader"},
             {"Hostname": "w1", "Status": "Ready", "ManagerStatus": ""}]
    services = [{"Name": "friendlyhello_web", "Replicas": "3/3"}, {"Name": "friendlyhello_redis", "Replicas": "1/1"}]
    manager = _swarm(LocalNodeState="active", ControlAvailable=True)
    assert [c["status"] for c in d.swarm_checks("manager", manager, nodes, services)] == [d.OK] * 3
    nodes[1] = {"Hostname": "m2", "Status": "Down", "ManagerStatus": "Unreachable"}
    services[0]["Replicas"] = "2/3 (max 1 per node)"
    result = d.swarm_checks("manager", manager, nodes, services)
    assert [c["status"] for c in result] == [d.OK, d.FAIL, d.FAIL]
    assert "m2 (Unreachable)" in result[1]["message"] and "friendlyhello_web 2/3" in result[2]["message"]
    worker = _swarm(LocalNodeState="active", ControlAvailable=False, RemoteManagers=[{"Addr": "10.0.0.1:2377"}])
    assert [c["status"] for c in d.swarm_checks("worker", worker, [], [])] == [d.OK, d.OK]
    assert d.swarm_checks("manager", worker, [], [])[0]["status"] == d.WARN
    assert d.swarm_checks("worker", _swarm(LocalNodeState="active"), [], [])[1]["status"] == d.FAIL


def test_swarm_global_service_missing_on_a_node() -> None:
    # Measured on the lab: the proxy's host port taken on lab-1, `docker service ls` said 2/2.
    manager = _swarm(LocalNodeState="active", ControlAvailable=True)
    nodes = [{"Hostname": h, "Status": "Ready", "ManagerStatus": "Leader" if h == "m1" else "",
              "Availability": "Active"} for h in ("m1", "w1", "w2")]
    services = [{"Name": "friendlyhello_proxy", "Mode": "global", "Replicas": "2/2"},
                {"Name": "friendlyhello_web", "Mode": "replicated", "Replicas": "3/3"}]
    result = d.swarm_checks("manager", manager, nodes, services)[-1]
    assert result["status"] == d.WARN
    assert "friendlyhello_proxy on 2 of 3 nodes" in result["message"] and "docker service ps" in result["fix"]
    nodes[2]["Availability"] = "Drain"
    assert d.swarm_checks("manager", manager, nodes, services)[-1]["status"] == d.OK
    services[1]["Replicas"] = "2/3"
    nodes[2]["Availability"] = "Active"
    failed = d.swarm_checks("manager", manager, nodes, services)[-1]
    assert failed["status"] == d.FAIL
    assert "friendlyhello_web 2/3, friendlyhello_proxy on 2 of 3 nodes" in failed["message"]


def test_worst() -> None:
    assert d.worst([]) == d.OK
    assert d.worst([d.check("a", d.SKIP, ""), d.check("b", d.OK, "")]) == d.OK
    assert d.worst([d.check("a", d.WARN, "", "x"), d.check("b", d.FAIL, "", "y")]) == d.FAIL


def test_summary_rows_table_and_failures() -> None:
    results = {
        "good": {"changed": False, "checks": [d.check("engine", d.OK, "Docker 29 runs"),
                                              d.check("disk space", d.WARN, "5 % free", "prune")]},
        "gone": {"unreachable": True, "msg": "Failed to connect to the host via ssh"},
        "broken": {"failed": True, "msg": "python not found"},
        "silent": None,
    }
    rows = fs.doctor_rows(results)
    assert [(r["host"], r["name"], r["status"]) for r in rows] == [
        ("good", "engine", "OK"), ("good", "disk space", "WARN"), ("gone", "connect", "FAIL"),
        ("broken", "connect", "FAIL"), ("silent", "connect", "FAIL")]
    assert "unreachable: Failed to connect" in rows[2]["message"]
    table = fs.doctor_table(rows)
    lines = table.splitlines()
    assert lines[0].startswith("HOST") and "STATUS" in lines[0] and set(lines[1]) <= {"-", "+"}
    assert "5 % free => FIX: prune" in table and lines[-1] == "3 FAIL, 1 WARN, 1 OK, 0 SKIP"
    assert fs.doctor_failed(rows) == ["gone: connect", "broken: connect", "silent: connect"]
    assert fs.doctor_failed(rows[:2]) == []


def _role_defaults() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(REPO.glob("roles/*/defaults/main.yml")):
        found.update(yaml.safe_load(path.read_text()) or {})
    return found


def test_the_playbook_repeats_the_roles_defaults_exactly() -> None:
    """playbooks/doctor.yml reads role variables with `| default(...)`: each default must equal the role's."""
    text = (REPO / "playbooks" / "doctor.yml").read_text()
    defaults = _role_defaults()
    pairs = re.findall(r"\b([a-z_]+) \| default\((\[\]|\{[^}]*\}|'[^']*'|\d+|true|false)\)", text)
    checked = [name for name, _ in pairs if name in defaults]
    assert len(checked) >= 12, pairs
    for name, literal in pairs:
        if name in defaults:
            value = yaml.safe_load(literal.replace("'", '"')) if literal.startswith("{") else yaml.safe_load(literal)
            want = defaults[name]
            if isinstance(want, dict) and isinstance(value, dict):  # mongo_init_database: its collection names
                want, value = sorted(want), sorted(value)
            assert value == want, f"{name}: doctor.yml says {literal}, the role's default is {defaults[name]!r}"


def test_the_module_reads_this_machine_and_changes_nothing() -> None:
    """The module end to end through ansible, against localhost, in check mode."""
    result = run_module("dockyard.lab.docker_doctor",
                        {"docker_users": ["no-such-user-x"], "controller_time": 0, "timeout": 2})
    assert result["changed"] is False and result["status"] == d.FAIL
    by_name = {c["name"]: c for c in result["checks"]}
    assert by_name["docker group: no-such-user-x"]["status"] == d.FAIL
    assert by_name["clock"]["status"] == d.FAIL  # the controller's time 0 is decades behind
    assert {c["status"] for c in result["checks"]} <= {d.OK, d.WARN, d.FAIL, d.SKIP}
