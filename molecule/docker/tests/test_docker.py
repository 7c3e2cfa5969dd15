"""The docker role on a converged instance: engine, group, daemon.json, reload, roll-back."""

from __future__ import annotations

import json
import secrets

import pytest
from conftest import SCENARIO, run_playbook, run_role

EXPECTED_DAEMON = {
    "default-address-pools": [{"base": "10.201.0.0/16", "size": 24}],
    "dns": ["192.0.2.53", "198.51.100.53"],
    "dns-search": ["lab.test"],
    "insecure-registries": ["registry.lab.test:5000", "10.99.0.0/16"],
    "live-restore": True,
    "log-driver": "json-file",
    "log-opts": {"max-file": "3", "max-size": "10m"},
    "registry-mirrors": ["https://mirror.lab.test:5000"],
}


def _info(host) -> dict:
    return json.loads(host.check_output("docker info --format '{{json .}}'"))


def _dockerd_pid(host) -> str:
    return host.check_output("systemctl show --property MainPID --value docker")


def _sentinel_started(host) -> str:
    return host.check_output("docker inspect --format '{{.State.StartedAt}} {{.State.Running}}' sentinel")


@pytest.fixture(autouse=True)
def start_limit_cleared(host):
    """docker.service allows 3 starts a minute; these tests restart dockerd more often than that."""
    host.run("systemctl reset-failed docker.service docker.socket")


class Restore:
    """What `restored` does after the test; a test that ends by applying the scenario's own
    configuration itself (and checks it) sets `needed` to False to save a run of the role."""

    needed = True


@pytest.fixture
def restored(host):
    """After the test: the scenario's own configuration back (a fixture, so a failed test still restores)."""
    restore = Restore()
    yield restore
    if restore.needed:
        host.run("systemctl reset-failed docker.service docker.socket")
        result = run_role({})
        assert result.rc == 0, result.output[-2000:]


def test_docker_running_and_enabled(host):
    service = host.service("docker")
    assert service.is_running
    assert service.is_enabled


def test_locally_built_image_runs(host):
    assert host.check_output("docker run --rm dockyard-test/sentinel:latest echo built-here") == "built-here"


def test_docker_users_member_runs_docker_without_sudo(host):
    assert "docker" in host.user("student").groups
    result = host.run("su - student -c 'docker ps --format {{.Names}}'")
    assert result.rc == 0, result.stderr
    assert "sentinel" in result.stdout


def test_daemon_json_holds_exactly_the_configuration(host):
    daemon = host.file("/etc/docker/daemon.json")
    assert daemon.user == "root" and daemon.mode == 0o644
    assert json.loads(daemon.content_string) == EXPECTED_DAEMON


def test_docker_info_shows_mirrors_and_insecure_registries(host):
    registry = _info(host)["RegistryConfig"]
    assert [m.rstrip("/") for m in registry["Mirrors"]] == ["https://mirror.lab.test:5000"]
    assert registry["IndexConfigs"]["registry.lab.test:5000"]["Secure"] is False
    assert "10.99.0.0/16" in registry["InsecureRegistryCIDRs"]
    assert _info(host)["LiveRestoreEnabled"] is True


def test_dockerd_environment_dropin(host):
    dropin = host.file("/etc/systemd/system/docker.service.d/environment.conf")
    assert dropin.mode == 0o644
    assert 'Environment="DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1"' in dropin.content_string
    assert "DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1" in host.check_output("systemctl show --property Environment docker")


def test_containers_get_the_dns_settings(host):
    resolv = host.check_output("docker run --rm dockyard-test/sentinel:latest cat /etc/resolv.conf")
    assert "nameserver 192.0.2.53" in resolv
    assert "nameserver 198.51.100.53" in resolv
    assert "search lab.test" in resolv


def test_changing_only_a_mirror_reloads(host, restored):
    pid, started = _dockerd_pid(host), _sentinel_started(host)
    new_mirror = "https://mirror2.lab.test"
    result = run_role({"docker_registry_mirrors": [new_mirror]})
    assert result.rc == 0, result.output
    assert "Apply the change to Docker: reloaded" in result.output
    assert _dockerd_pid(host) == pid, "dockerd was restarted, not reloaded"
    assert _sentinel_started(host) == started
    assert [m.rstrip("/") for m in _info(host)["RegistryConfig"]["Mirrors"]] == [new_mirror]


def test_changing_dns_restarts_and_keeps_containers(host, restored):
    pid, started = _dockerd_pid(host), _sentinel_started(host)
    result = run_role({"docker_dns": ["192.0.2.54"]})
    assert result.rc == 0, result.output
    assert "Apply the change to Docker: restarted" in result.output
    assert _dockerd_pid(host) != pid
    assert _sentinel_started(host) == started, "live-restore should keep the container running"


def _running(host) -> set[str]:
    return set(host.check_output("docker ps --format '{{.Names}}'").split())


def _proof(host) -> str:
    return host.check_output("docker exec keeper /bin/busybox cat /data/proof")


@pytest.fixture
def keepers(host):
    """Two containers besides the sentinel (unless-stopped): `keeper` (unless-stopped, with a
    volume holding data) and `oneshot` (no restart policy). Yields the data written."""
    token = secrets.token_hex(8)
    image = "dockyard-test/sentinel:latest"
    host.check_output("docker run -d --name keeper --restart unless-stopped -v keeper-data:/data %s", image)
    host.check_output("docker exec keeper /bin/busybox sh -c 'echo %s > /data/proof'", token)
    host.check_output("docker run -d --name oneshot --restart no %s", image)
    yield token
    host.run("docker rm -f keeper oneshot")
    host.run("docker volume rm keeper-data")


def test_turning_live_restore_off_keeps_the_running_containers(host, restored, keepers):
    # Measured: a dockerd that starts with live-restore off stops the containers that outlived
    # the previous one's stop and marks them stopped by hand: no restart policy brings them back.
    assert _info(host)["LiveRestoreEnabled"] is True
    assert {"sentinel", "keeper", "oneshot"} <= _running(host)
    # docker_swarm_node turns live-restore off; the DNS change needs a restart.
    result = run_role({"docker_swarm_node": True, "docker_dns": ["192.0.2.54"]})
    assert result.rc == 0, result.output[-2000:]
    assert "Apply the change to Docker: restarted" in result.output
    assert _info(host)["LiveRestoreEnabled"] is False
    assert {"sentinel", "keeper", "oneshot"} <= _running(host), "the restart lost containers"
    assert _proof(host) == keepers
    # One more restart, through the role's docker_restart handler: with live-restore off,
    # dockerd stops the containers itself and unless-stopped brings them back.
    host.run("systemctl reset-failed docker.service docker.socket")
    pid = _dockerd_pid(host)
    result = run_playbook(SCENARIO / "restart.yml")
    assert result.rc == 0, result.output[-2000:]
    assert _dockerd_pid(host) != pid
    assert {"sentinel", "keeper"} <= _running(host), "unless-stopped containers did not come back"
    assert _proof(host) == keepers


# The changes a converged host needs none of: each runs only where the one read differs.
CHANGE_TASKS = (
    "Hold dockerd's start until it is configured (first install)",
    "Install Docker Engine and the Python libraries community.docker uses",
    "Release the hold on dockerd's start",
    "Remove the version pin when no version is asked for",
    "Create the docker group",
    "Add users to the docker group",
    "Reset the connection so that later tasks see the new group membership",
    "Create /etc/docker",
    "Write daemon.json",
    "Create the docker unit's drop-in directory",
    "Write the drop-ins dockerd needs (environment, hosts)",
    "Set aside the drop-ins that are no longer wanted",
    "Start Docker and set it to start at boot",
)


def test_a_play_without_facts_reruns_the_role_reading_the_host_once(host):
    result = run_role({}, gather_facts=False)
    assert result.rc == 0, result.output[-2000:]
    assert result.changed() == 0, result.output[-2000:]
    assert "Gather the facts the platform choice needs" in result.output
    assert result.statuses("Read the host's Docker setup") == ["ok"], result.output[-3000:]
    ran = {task: result.statuses(task) for task in CHANGE_TASKS}
    assert {task: s for task, s in ran.items() if set(s) - {"skipping"}} == {}, result.output[-3000:]


def test_a_hold_left_by_an_interrupted_install_is_released(host):
    """A run killed between the hold and its release leaves the role's policy-rc.d behind: the
    next run removes it (and only it: a host's own policy-rc.d carries no marker)."""
    host.run("printf '#!/bin/sh\\n# Written by dockyard.lab.docker\\nexit 101\\n' > /usr/sbin/policy-rc.d")
    host.run("chmod 0755 /usr/sbin/policy-rc.d")
    try:
        result = run_role({}, gather_facts=False)
        assert result.rc == 0, result.output[-2000:]
        assert result.statuses("Release the hold on dockerd's start") == ["changed"], result.output[-3000:]
        assert not host.file("/usr/sbin/policy-rc.d").exists
    finally:
        host.run("rm -f /usr/sbin/policy-rc.d")  # a failed test must not block later installs


def test_a_stopped_dockerd_is_started_with_its_listening_socket_renewed(host):
    """dockerd stopped by hand while docker.socket listens: the role starts it (nothing to read
    and keep), and renews the socket, whose file a dockerd given `hosts` may have deleted."""
    host.run("systemctl stop docker.service")
    assert host.service("docker.socket").is_running
    result = run_role({}, gather_facts=False)
    assert result.rc == 0, result.output[-2000:]
    assert result.statuses("Read the running containers and whether live-restore keeps them") == ["skipping"]
    assert result.statuses("Restart Docker's socket") == ["changed"], result.output[-3000:]
    assert host.service("docker").is_running
    assert host.run("docker info").rc == 0


def test_the_proxy_reaches_dockerd(host, restored):
    # Never contacted: nothing is pulled. Docker >= 23 reads `proxies`, older ones the drop-in.
    result = run_role({"docker_proxy": {"http": "http://proxy.lab.test:3128", "https": "", "no_proxy": "localhost"}})
    assert result.rc == 0, result.output[-2000:]
    info = _info(host)
    # The JSON field is HTTPProxy up to Docker 2x, HttpProxy from Docker 29 on.
    assert (info.get("HTTPProxy") or info.get("HttpProxy")) == "http://proxy.lab.test:3128"
    assert info["NoProxy"] == "localhost"
    daemon = json.loads(host.file("/etc/docker/daemon.json").content_string)
    dropin = host.file("/etc/systemd/system/docker.service.d/environment.conf").content_string
    if int(info["ServerVersion"].split(".")[0]) >= 23:
        assert daemon["proxies"] == {"http-proxy": "http://proxy.lab.test:3128", "no-proxy": "localhost"}
        assert "HTTP_PROXY" not in dropin
    else:
        assert "proxies" not in daemon
        assert 'Environment="HTTP_PROXY=http://proxy.lab.test:3128"' in dropin


def test_a_version_pin_keeps_the_installed_engine(host, restored):
    installed = host.check_output("dpkg-query -W -f '${Version}' docker.io")
    version = ".".join(installed.split(":")[-1].split(".")[:2])
    result = run_role({"docker_version": version})
    assert result.rc == 0, result.output[-2000:]
    pin = host.file("/etc/apt/preferences.d/dockyard-docker.pref").content_string
    assert "Package: docker.io" in pin and f"Pin: version {version}.*" in pin and "Pin-Priority: 1001" in pin
    # apt applies the pin to the installed version: an upgrade would keep it (one candidate here).
    policy = host.check_output("apt-cache policy docker.io")
    assert "1001" in policy, policy
    assert host.check_output("apt-get -s --only-upgrade install docker.io").count("Inst docker.io") == 0


def _assert_rolled_back(host, result, setting: str, before: bytes, started: str) -> None:
    assert result.rc != 0, result.output
    assert "Docker rejected the new configuration" in result.output, result.output
    assert setting in result.output
    assert host.file("/etc/docker/daemon.json").content == before
    assert host.service("docker").is_running
    assert host.run("docker info").rc == 0
    assert _sentinel_started(host) == started
    assert _sentinel_started(host).endswith("true")


def test_a_setting_dockerd_refuses_is_rolled_back(host):
    before, started = host.file("/etc/docker/daemon.json").content, _sentinel_started(host)
    # docker_daemon_unknown_keys: allow lets a key past the role's list: dockerd's verdict decides.
    result = run_role({"docker_daemon_options": {"no-such-option": True}, "docker_daemon_unknown_keys": "allow"})
    _assert_rolled_back(host, result, "no-such-option (docker_daemon_options)", before, started)


def test_a_reload_dockerd_refuses_is_rolled_back(host):
    # Free-form values bypass the role's own checks: dockerd's verdict decides (through
    # --validate on Docker >= 23, else through the `docker info` comparison after reload).
    # The first-class variable is emptied: a key set in both places is refused up front.
    before, started = host.file("/etc/docker/daemon.json").content, _sentinel_started(host)
    result = run_role({"docker_registry_mirrors": [], "docker_daemon_options": {"registry-mirrors": ["not a url"]}})
    _assert_rolled_back(host, result, "registry-mirrors (docker_registry_mirrors)", before, started)


HOSTS = {"docker_daemon_hosts": ["unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"]}
HOSTS_DROPIN = "/etc/systemd/system/docker.service.d/hosts.conf"


def _reset_start_limit(host) -> None:
    # docker.service allows 3 starts a minute; this test restarts dockerd more often than that.
    host.run("systemctl reset-failed docker.service docker.socket")


def test_daemon_hosts_with_a_failed_change_rolled_back_and_then_removed(host, restored):
    started = _sentinel_started(host)
    # 1. docker_daemon_hosts: `hosts` in daemon.json, and the unit's command line without -H fd://.
    result = run_role(HOSTS)
    assert result.rc == 0, result.output[-2000:]
    assert json.loads(host.file("/etc/docker/daemon.json").content_string)["hosts"] == HOSTS["docker_daemon_hosts"]
    dropin = host.file(HOSTS_DROPIN).content_string
    assert "ExecStart=\n" in dropin and "fd://" not in dropin.split("ExecStart=\n", 1)[1]
    assert host.run("docker -H tcp://127.0.0.1:2375 info").rc == 0
    assert host.run("docker info").rc == 0
    assert _sentinel_started(host) == started
    # 2. A change that empties docker_daemon_hosts fails at dockerd's start (data-root on a
    # file): daemon.json and the drop-in it set aside come back, and dockerd runs with them.
    _reset_start_limit(host)
    before = host.file("/etc/docker/daemon.json").content
    result = run_role({"docker_data_root": "/etc/hostname"})
    assert result.rc != 0, result.output
    assert "Docker rejected the new configuration of" in result.output, result.output[-2000:]
    assert "data-root (docker_data_root)" in result.output and "hosts (docker_daemon_hosts)" in result.output
    assert host.file("/etc/docker/daemon.json").content == before
    assert host.file(HOSTS_DROPIN).content_string == dropin
    assert host.run("docker -H tcp://127.0.0.1:2375 info").rc == 0
    assert _sentinel_started(host) == started
    # 3. Back to no docker_daemon_hosts: the drop-in goes, the unit's own -H fd:// is back, and
    # dockerd answers on its socket (on Docker 29 it did not, before docker.socket was restarted).
    _reset_start_limit(host)
    result = run_role({})
    assert result.rc == 0, result.output[-2000:]
    assert not host.file(HOSTS_DROPIN).exists
    assert "-H fd://" in host.check_output("systemctl show --property ExecStart --value docker")
    assert host.run("docker info").rc == 0
    assert host.run("docker -H tcp://127.0.0.1:2375 info").rc != 0
    assert "hosts" not in json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert _sentinel_started(host) == started
    restored.needed = False


def test_data_root_moves_where_docker_keeps_its_data(host, restored):
    result = run_role({"docker_data_root": "/srv/docker"})
    assert result.rc == 0, result.output[-2000:]
    assert _info(host)["DockerRootDir"] == "/srv/docker"
    assert host.file("/srv/docker/containers").is_directory
    # Back to the default root: the containers kept there are Docker's again.
    _reset_start_limit(host)
    result = run_role({})
    assert result.rc == 0, result.output[-2000:]
    assert _info(host)["DockerRootDir"] == "/var/lib/docker"
    assert _sentinel_started(host).endswith("true")
    restored.needed = False


# Last in this file: it removes Docker (and the sentinel with it), then installs it again.
def test_uninstall_keeps_the_data_purge_deletes_it_and_a_reinstall_works(host):
    assert host.file("/var/lib/docker/containers").listdir()
    result = run_role({"docker_state": "absent"})
    assert result.rc == 0, result.output[-2000:]
    assert not host.package("docker.io").is_installed
    assert not host.process.filter(comm="dockerd")
    for path in ("/etc/docker/daemon.json", "/etc/systemd/system/docker.service.d/environment.conf"):
        assert not host.file(path).exists, path
    # With live-restore on, containers outlive dockerd's stop: the role stopped them first.
    assert host.run("pgrep -f '^/bin/busybox sleep'").rc == 1, "a container runs on without Docker"
    assert host.file("/var/lib/docker/containers").listdir(), "data went without docker_purge_data"
    # Purge: what the data folders hold goes, the folders stay (they may be mount points).
    result = run_role({"docker_state": "absent", "docker_purge_data": True})
    assert result.rc == 0, result.output[-2000:]
    for path in ("/var/lib/docker", "/var/lib/containerd"):
        assert host.file(path).is_directory and host.file(path).listdir() == [], path
    result = run_role({"docker_state": "absent", "docker_purge_data": True})
    assert result.rc == 0 and result.changed() == 0, result.output[-2000:]
    # Installed again: the engine runs with the scenario's configuration, started once, by the
    # role: the package's start was held (policy-rc.d, removed since).
    since = host.check_output("date +%s")
    result = run_role({})
    assert result.rc == 0, result.output[-2000:]
    assert result.statuses("Hold dockerd's start until it is configured (first install)") == ["changed"]
    assert result.statuses("Release the hold on dockerd's start") == ["changed"]
    assert not host.file("/usr/sbin/policy-rc.d").exists
    # The install's own lines in apt's log: invoke-rc.d's refusal (deb-systemd-invoke's too on
    # a package's very first install, not on a reinstall after a remove).
    this_install = host.file("/var/log/apt/term.log").content_string.rsplit("Log started", 1)[-1]
    assert "policy-rc.d denied execution of start" in this_install, this_install[-1500:]
    starts = host.check_output(f"journalctl --unit docker.service --since @{since} --output cat --no-pager")
    assert starts.count('msg="Starting up"') == 1, starts
    assert json.loads(host.file("/etc/docker/daemon.json").content_string) == EXPECTED_DAEMON
    assert host.run("docker info").rc == 0
    assert host.run("docker ps -aq").stdout.strip() == ""
