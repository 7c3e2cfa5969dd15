"""playbooks/doctor.yml against the converged site: a healthy host is all OK (SKIP where nothing
is configured) with exit code 0, in check mode too; each fault, injected alone and undone by its
fixture, turns its own check (and only that one) to FAIL or WARN with the fix; an unreachable
host is a FAIL row; no doctor run changes the host (/etc/docker, the unit, groups, containers).

The test starts what the site does not have: a registry mirror answering /v2/ on the instance's
127.0.0.1:5001 (molecule.yml configures it as docker_registry_mirrors) and a TLS "registry" on
localhost:5443 whose CA is in /etc/docker/certs.d/localhost:5443/ca.crt, both small Python
servers in containers of the instance's Docker from the kit's python image (no pull).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dockyard_testing import PlayResult, run_playbook

REPO = Path(__file__).resolve().parents[3]
PLAYBOOK = REPO / "playbooks" / "doctor.yml"
SNAPSHOT = (REPO / "molecule" / "_shared" / "snapshot.sh").read_text()
PROBE_DIR = "/srv/doctor-probe"
CERTS = "/etc/docker/certs.d/localhost:5443"
MIRROR = "http://127.0.0.1:5001"
SERVER = """\
import http.server, ssl, sys
class Registry(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Registry)
if len(sys.argv) > 2:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain("/srv/server.crt", "/srv/server.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
"""
CERT_SCRIPT = f"""set -e
mkdir -p {PROBE_DIR} {CERTS}
cd {PROBE_DIR}
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=doctor-test-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 \\
    -extfile ext.cnf 2>/dev/null
chmod 0644 server.key
cp ca.crt {CERTS}/ca.crt
"""
# What the doctor must leave as it is: /etc/docker, the groups, the unit, containers and images
# (without calling docker while docker.service is stopped: its socket would start it).
STATE = """find /etc/docker -type f -exec sha256sum {} + | sort; getent group
systemctl is-active docker.service docker.socket; systemctl is-enabled docker.service
if systemctl -q is-active docker.service; then
  docker ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.State}}' | sort; docker images -q --no-trunc | sort
fi"""
HEALTHY = {"engine", "daemon.json", "docker group: student", "docker group: admin", f"mirror: {MIRROR}",
           "registry TLS: localhost:5443", "container DNS", "demo app /status", "demo app counter", "mongo",
           "disk space", "inodes", "clock"}


def root(host: Any, script: str) -> str:
    result = host.run("sudo sh -c %s", script)
    assert result.rc == 0, f"{script}\n{result.stdout}{result.stderr}"
    return str(result.stdout)


def wait(host: Any, script: str) -> None:
    root(host, f"for i in $(seq 60); do if {script}; then exit 0; fi; sleep 0.5; done; exit 1")


def doctor(tmp_path: Path, *args: str, **extra: Any) -> tuple[PlayResult, dict[str, dict[str, str]]]:
    """Run the doctor; (the run, {check name: row} of the summary.json it wrote)."""
    report = tmp_path / "report"
    result = run_playbook(PLAYBOOK, {"doctor_report_dir": str(report), **extra}, *args)
    summary = report / "summary.json"
    assert summary.is_file(), result.output[-3000:]
    rows = json.loads(summary.read_text())
    return result, {f"{r['name']}" if r["host"].startswith("site-") else f"{r['host']}/{r['name']}": r for r in rows}


def unchanged_doctor(host: Any, tmp_path: Path, *args: str, **extra: Any) -> tuple[PlayResult, dict[str, Any]]:
    """doctor(), with the host's state read before and after: it must be the same."""
    before = root(host, STATE)
    outcome = doctor(tmp_path, *args, **extra)
    assert root(host, STATE) == before, "a doctor run changed the host"
    return outcome


@pytest.fixture(scope="module", autouse=True)
def probes(admin: Any) -> Iterator[None]:
    """The mirror and the TLS registry the site does not have, for the whole module."""
    root(admin, CERT_SCRIPT)
    root(admin, f"cat > {PROBE_DIR}/serve.py <<'EOF'\n{SERVER}EOF")
    for name, args in (("doctor-mirror", "5001"), ("doctor-registry", "5443 tls")):
        root(admin, f"docker run -d --name {name} --network host --pull never -v {PROBE_DIR}:/srv:ro "
                    f"dockyard/python:3.11-slim python3 /srv/serve.py {args}")
    wait(admin, f"curl -sf {MIRROR}/v2/ >/dev/null && curl -sf --cacert {CERTS}/ca.crt https://localhost:5443/v2/")
    yield
    root(admin, f"docker rm -f doctor-mirror doctor-registry; rm -rf {PROBE_DIR} {CERTS}")


def test_a_healthy_host_is_all_ok_and_the_run_changes_nothing(admin: Any, tmp_path: Path) -> None:
    before = root(admin, SNAPSHOT)
    result, checks = unchanged_doctor(admin, tmp_path)
    assert root(admin, SNAPSHOT) == before
    assert result.rc == 0, result.output[-3000:]
    assert {name for name, row in checks.items() if row["status"] == "OK"} == HEALTHY, checks
    assert {row["status"] for name, row in checks.items() if name not in HEALTHY} == {"SKIP"}
    assert "HOST" in result.output and "WHAT / FIX" in result.output and "No check failed" in result.output
    host_report = json.loads(next((tmp_path / "report").glob("site-*.json")).read_text())
    assert {c["name"] for c in host_report["checks"]} == set(checks)


def test_check_mode_is_healthy_too_and_writes_the_reports(admin: Any, tmp_path: Path) -> None:
    result, checks = unchanged_doctor(admin, tmp_path, "--check")
    assert result.rc == 0, result.output[-3000:]
    assert {row["status"] for row in checks.values()} <= {"OK", "SKIP"}
    assert len(list((tmp_path / "report").glob("site-*.json"))) == 1


def test_an_unreachable_host_is_a_fail_row(admin: Any, tmp_path: Path) -> None:
    ghost = tmp_path / "ghost.yml"
    # Port 1 of the loopback: nothing listens, the connection is refused at once.
    ghost.write_text("docker_hosts:\n  hosts:\n    ghost:\n      ansible_host: 127.0.0.1\n      ansible_port: 1\n")
    result, checks = doctor(tmp_path, "-i", str(ghost))
    assert result.rc != 0
    assert checks["ghost/connect"]["status"] == "FAIL" and "unreachable" in checks["ghost/connect"]["message"]
    assert {row["status"] for name, row in checks.items() if "/" not in name} <= {"OK", "SKIP"}


# name -> (inject, restore, ready again, the check that turns, its status, words of its fix, extra variables)
Fault = tuple[str, str, str, str, str, str, dict[str, Any]]
FAULTS: dict[str, Fault] = {
    "dockerd stopped": (
        "systemctl stop docker.service", "systemctl start docker.service", "docker info >/dev/null 2>&1",
        "engine", "FAIL", "systemctl start docker", {}),
    "daemon.json edited by hand": (
        "cp -p /etc/docker/daemon.json /root/daemon.json.doctor && python3 -c \"import json;"
        " p='/etc/docker/daemon.json'; c=json.load(open(p)); c['live-restore']=False; json.dump(c, open(p, 'w'))\"",
        "cp -p /root/daemon.json.doctor /etc/docker/daemon.json && rm /root/daemon.json.doctor", "true",
        "daemon.json", "FAIL", "docker_live_restore", {}),
    "a user out of the docker group": (
        "cp -p /etc/group /root/group.doctor && cp -p /etc/gshadow /root/gshadow.doctor && gpasswd -d student docker",
        "cp -p /root/group.doctor /etc/group && cp -p /root/gshadow.doctor /etc/gshadow"
        " && rm /root/group.doctor /root/gshadow.doctor", "true",
        "docker group: student", "FAIL", "usermod -aG docker student", {}),
    "the registry CA removed": (
        f"mv {CERTS}/ca.crt /root/ca.crt.doctor", f"mv /root/ca.crt.doctor {CERTS}/ca.crt", "true",
        "registry TLS: localhost:5443", "FAIL", f"{CERTS}/ca.crt", {}),
    "the mirror does not answer": (
        "docker stop doctor-mirror", "docker start doctor-mirror", f"curl -sf {MIRROR}/v2/ >/dev/null",
        f"mirror: {MIRROR}", "FAIL", "docker_registry_mirrors", {}),
    "the demo app stopped": (
        "docker stop friendlyhello-1", "docker start friendlyhello-1", "curl -sf http://127.0.0.1:4000/ >/dev/null",
        "demo app /status", "FAIL", "docker start friendlyhello-1", {}),
    "Redis stopped": (
        "docker stop friendlyhello-redis", "docker start friendlyhello-redis",
        "curl -sf http://127.0.0.1:4000/status | grep -q 'Visits:</b> [0-9]'",
        "demo app counter", "FAIL", "docker start friendlyhello-redis", {}),
    # The data root's real free space, judged against thresholds that call it low.
    # (WARN alone exits 0; the FAIL threshold is the same rule, unit-tested.)
    "the data root nearly full": ("true", "true", "true", "disk space", "WARN", "docker system prune",
                                  {"doctor_disk_warn_percent": 100}),
}


@pytest.fixture(params=sorted(FAULTS))
def fault(request: pytest.FixtureRequest, admin: Any) -> tuple[str, str, str, dict[str, Any]]:
    """The fault injected; undone (and the host ready again) after the test, whatever its outcome."""
    inject, restore, ready, name, status, fix, extra = FAULTS[request.param]

    def undo() -> None:
        root(admin, restore)
        wait(admin, ready)

    request.addfinalizer(undo)
    root(admin, inject)
    return name, status, fix, extra


def test_each_fault_turns_its_own_check(
    admin: Any, tmp_path: Path, fault: tuple[str, str, str, dict[str, Any]]
) -> None:
    name, status, fix, extra = fault
    result, checks = unchanged_doctor(admin, tmp_path, **extra)
    assert checks[name]["status"] == status, checks[name]
    assert fix in checks[name]["fix"], checks[name]
    others = {n: row["status"] for n, row in checks.items() if n != name and row["status"] not in ("OK", "SKIP")}
    assert others == {}, checks
    assert (result.rc == 0) == (status == "WARN"), result.output[-3000:]
    assert f"FIX: {checks[name]['fix']}" in result.output
