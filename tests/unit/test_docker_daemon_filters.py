"""The docker role's daemon.json helpers (plugins/filter/docker_daemon.py)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from ansible_collections.dockyard.lab.plugins.filter import docker_daemon as dd

GOOD = {
    "docker_users": ["student"],
    "docker_registry_mirrors": ["https://mirror.lab.test:5000", "http://10.0.0.1"],
    "docker_insecure_registries": ["registry.lab.test:5000", "10.99.0.0/16", "[fd00::1]:5000", "localhost"],
    "docker_dns": ["192.0.2.53", "2001:db8::53"],
    "docker_dns_search": ["lab.test"],
    "docker_default_address_pools": [{"base": "10.201.0.0/16", "size": 24}],
    "docker_daemon_hosts": ["fd://", "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"],
    "docker_proxy": {"http": "http://proxy.lab.test:3128", "https": "", "no_proxy": "localhost"},
    "docker_data_root": "/srv/docker",
    "docker_version": "27.3",
    "docker_service_environment": {"DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE": "1", "OTEL_SDK_DISABLED": True},
    "docker_dns_options": ["ndots:2", "timeout:3", "rotate", "edns0"],
    "docker_log_driver": "json-file",
    "docker_log_options": {"max-size": "10m", "max-file": "3", "compress": True, "tag": "{{.Name}}"},
    "docker_live_restore": True,
    "docker_swarm_node": False,
    "docker_daemon_options": {"debug": True, "default-shm-size": "128M", "labels": ["lab=1"]},
    "docker_daemon_unknown_keys": "fail",
}


def test_good_inputs_pass() -> None:
    assert dd.docker_daemon_input_errors(GOOD) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"docker_registry_mirrors": ["mirror.lab.test"]}, "docker_registry_mirrors[0] 'mirror.lab.test' is not a URL"),
        ({"docker_registry_mirrors": ["ftp://m.lab.test"]}, "docker_registry_mirrors[0]"),
        ({"docker_registry_mirrors": "https://m.lab.test"}, "docker_registry_mirrors must be a list, got str"),
        ({"docker_users": "student"}, "docker_users must be a list"),
        ({"docker_insecure_registries": ["https://r.lab.test"]}, "without a scheme"),
        ({"docker_insecure_registries": ["r.lab.test:99999"]}, "neither host[:port] nor a CIDR"),
        ({"docker_dns": ["dns.lab.test"]}, "docker_dns[0] 'dns.lab.test' is not an IP address"),
        ({"docker_dns_search": ["bad domain"]}, "docker_dns_search[0]"),
        ({"docker_default_address_pools": [{"base": "10.300.0.0/16", "size": 24}]}, "pools[0].base"),
        ({"docker_default_address_pools": [{"base": "10.0.0.0/16", "size": 8}]}, "pools[0].size"),
        ({"docker_daemon_hosts": ["tcp://0.0.0.0"]}, "docker_daemon_hosts[0]"),
        ({"docker_daemon_hosts": ["/var/run/docker.sock"]}, "docker_daemon_hosts[0]"),
        ({"docker_proxy": {"https": "proxy:3128"}}, "docker_proxy.https"),
        ({"docker_data_root": "relative/path"}, "docker_data_root 'relative/path' must be an absolute path"),
        ({"docker_version": "latest"}, "docker_version 'latest'"),
        ({"docker_service_environment": {"BAD-NAME": "1"}}, "'BAD-NAME' is not an environment variable name"),
        ({"docker_service_environment": {"X": "a\nb"}}, "docker_service_environment.X must be a plain value"),
    ],
)
def test_each_bad_input_is_named(change: dict[str, Any], message: str) -> None:
    errors = dd.docker_daemon_input_errors({**GOOD, **change})
    assert len(errors) == 1, errors
    assert message in errors[0]


def test_prune_keeps_false_and_zero() -> None:
    config: dict[str, Any] = {"a": [], "b": "", "c": None, "d": {}, "live-restore": False, "max": 0, "dns": ["1.1.1.1"]}
    assert dd.docker_daemon_prune(config) == {"live-restore": False, "max": 0, "dns": ["1.1.1.1"]}


def test_changed_keys() -> None:
    before = {"dns": ["1.1.1.1"], "registry-mirrors": ["https://a"], "debug": True}
    after = {"dns": ["1.1.1.1"], "registry-mirrors": ["https://b"], "labels": ["x=y"]}
    assert dd.docker_daemon_changed_keys(before, after) == ["debug", "labels", "registry-mirrors"]
    assert dd.docker_daemon_changed_keys(None, {"dns": []}) == ["dns"]


INFO = {
    "RegistryConfig": {
        "Mirrors": ["https://mirror.lab.test:5000/"],
        "InsecureRegistryCIDRs": ["10.99.0.0/16", "127.0.0.0/8"],
        "IndexConfigs": {"registry.lab.test:5000": {"Secure": False}, "docker.io": {"Secure": True}},
    },
    "LiveRestoreEnabled": True,
    "LoggingDriver": "json-file",
    "DockerRootDir": "/var/lib/docker",
    "Labels": [],
    "HTTPProxy": "http://xxxxx:xxxxx@proxy.lab.test:3128",
    "HTTPSProxy": "",
    "NoProxy": "localhost",
}


def test_info_matches_the_configuration() -> None:
    config = {
        "registry-mirrors": ["https://mirror.lab.test:5000"],
        "insecure-registries": ["registry.lab.test:5000", "10.99.0.0/16"],
        "live-restore": True,
        "log-driver": "json-file",
        "dns": ["192.0.2.53"],
        "proxies": {"http-proxy": "http://u:secret@proxy.lab.test:3128", "no-proxy": "localhost"},
    }
    assert dd.docker_daemon_mismatches(INFO, config) == []


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"registry-mirrors": ["https://other.lab.test"]}, "registry-mirrors"),
        ({"insecure-registries": ["new.lab.test:5000"]}, "insecure-registries"),
        ({"insecure-registries": ["10.98.0.0/16"]}, "insecure-registries"),
        ({"live-restore": False}, "live-restore"),
        ({"data-root": "/srv/docker"}, "data-root"),
        ({"labels": ["a=b"]}, "labels"),
        ({"proxies": {"http-proxy": "http://other.lab.test:3128"}}, "proxies"),
    ],
)
def test_info_mismatch_is_named(config: dict[str, Any], key: str) -> None:
    assert dd.docker_daemon_mismatches(INFO, config) == [key]


def test_variables_named_for_keys() -> None:
    assert dd.docker_daemon_variables(["dns", "no-such-option"]) == [
        "dns (docker_dns)",
        "no-such-option (docker_daemon_options)",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"docker_default_address_pools": [{"base": "fd00:d0c::/48", "size": 64}]},
            None,
        ),
        (
            {"docker_default_address_pools": [{"base": "fd00:d0c::/48", "size": 129}]},
            "docker_default_address_pools[0].size '129' must be a prefix length between the base's (48) and 128",
        ),
        (
            {"docker_default_address_pools": [{"base": "10.0.0.0/16", "size": 33}]},
            "docker_default_address_pools[0].size '33' must be a prefix length between the base's (16) and 32",
        ),
        ({"docker_default_address_pools": [{"base": "10.0.0.0/16", "size": True}]}, "pools[0].size 'True'"),
        ({"docker_dns_options": ["ndots"]}, "docker_dns_options[0] 'ndots' needs a number: ndots:0 to ndots:15"),
        ({"docker_dns_options": ["ndots:99"]}, "docker_dns_options[0] 'ndots:99' needs a number"),
        ({"docker_dns_options": ["timeout:x"]}, "docker_dns_options[0] 'timeout:x' needs a number"),
        ({"docker_dns_options": ["rotate:1"]}, "docker_dns_options[0] 'rotate:1' is not a resolv.conf option"),
        ({"docker_dns_options": ["ndot:2"]}, "docker_dns_options[0] 'ndot:2' is not a resolv.conf option"),
        ({"docker_log_options": {"max-size": "50Q"}}, "docker_log_options.max-size must be a size such as 10m"),
        ({"docker_log_options": {"max-size": "0"}}, "docker_log_options.max-size must be a size"),
        ({"docker_log_options": {"max-size": 10}}, "docker_log_options.max-size must be a size"),
        ({"docker_log_options": {"max-size": "10m", "max-file": 0}}, "docker_log_options.max-file must be a whole"),
        ({"docker_log_options": {"max-size": "10m", "max-file": "three"}}, "docker_log_options.max-file must be"),
        ({"docker_log_options": {"max-file": "3"}}, "docker_log_options.max-file needs max-size"),
        ({"docker_log_options": {"max-size": "10m", "compress": "yes"}}, "docker_log_options.compress must be true"),
        (
            {"docker_log_options": {"max-sizes": "10m"}},
            "docker_log_options.max-sizes: the json-file log driver has no option 'max-sizes'",
        ),
        ({"docker_log_options": {"max-size": ["10m"]}}, "docker_log_options.max-size must be a single value"),
        ({"docker_log_options": "max-size=10m"}, "docker_log_options must be a mapping"),
        ({"docker_log_driver": "syslog", "docker_log_options": {"syslog-address": "udp://127.0.0.1:514"}}, None),
        (
            {"docker_log_driver": "local", "docker_log_options": {"max-size": "5m", "tag": "x"}},
            "log driver has no option 'tag'",
        ),
        (
            {"docker_daemon_options": {"registry-mirror": ["https://m.lab.test"]}},
            "docker_daemon_options.registry-mirror is not a daemon.json key dockerd knows: "
            "did you mean 'registry-mirrors'?",
        ),
        ({"docker_daemon_options": {"no-such-option": True}}, "docker_daemon_options.no-such-option is not a daemon"),
        ({"docker_daemon_options": {"no-such-option": True}, "docker_daemon_unknown_keys": "allow"}, None),
        (
            {"docker_daemon_options": {"dns": ["192.0.2.1"]}},
            "docker_daemon_options.dns is also set by docker_dns: set it in one place",
        ),
        ({"docker_daemon_options": {"dns": ["192.0.2.1"]}, "docker_dns": []}, None),
        ({"docker_daemon_options": {"live-restore": False}}, "docker_daemon_options.live-restore is also set by"),
        ({"docker_daemon_options": {"log-opts": {"max-size": "1m"}}}, "docker_daemon_options.log-opts is also set"),
        ({"docker_daemon_options": {"proxies": {}}}, "docker_daemon_options.proxies is also set by docker_proxy"),
        ({"docker_daemon_options": ["debug"]}, "docker_daemon_options must be a mapping"),
        ({"docker_data_root": "/"}, "docker_data_root '/' must be an absolute path other than /"),
        ({"docker_data_root": "/srv/../var"}, "docker_data_root '/srv/../var' must be an absolute path"),
        ({"docker_daemon_hosts": ["unix://var/run/docker.sock"]}, "docker_daemon_hosts[0]"),
        ({"docker_insecure_registries": ["[fd00::1]:5000", "fd00::/8"]}, None),
        ({"docker_registry_mirrors": ["https://m.lab.test:99999"]}, "docker_registry_mirrors[0]"),
    ],
)
def test_more_bad_inputs(change: dict[str, Any], message: str | None) -> None:
    errors = dd.docker_daemon_input_errors({**GOOD, **change})
    if message is None:
        assert errors == []
    else:
        assert len(errors) == 1, errors
        assert errors[0].startswith(message) or message in errors[0], errors


def test_several_problems_are_all_reported() -> None:
    errors = dd.docker_daemon_input_errors(
        {**GOOD, "docker_dns": ["x"], "docker_data_root": "rel", "docker_version": "v"}
    )
    assert [e.split(" ")[0].split("[")[0] for e in errors] == ["docker_dns", "docker_data_root", "docker_version"]


def test_config_from_the_variables() -> None:
    config = dd.docker_daemon_config(GOOD, 27)
    assert config["log-opts"] == {"max-size": "10m", "max-file": "3", "compress": "true", "tag": "{{.Name}}"}
    assert config["live-restore"] is True
    assert config["proxies"] == {"http-proxy": "http://proxy.lab.test:3128", "no-proxy": "localhost"}
    assert config["debug"] is True and config["labels"] == ["lab=1"]
    assert "data-root" in config and "dns-opts" in config


def test_config_leaves_unset_settings_out_and_swarm_turns_live_restore_off() -> None:
    bare = {
        "docker_log_driver": "json-file",
        "docker_log_options": {},
        "docker_live_restore": True,
        "docker_swarm_node": True,
        "docker_proxy": {"http": "", "https": ""},
    }
    assert dd.docker_daemon_config(bare, 27) == {"log-driver": "json-file", "live-restore": False}


def test_proxy_goes_to_the_environment_on_old_engines() -> None:
    assert "proxies" not in dd.docker_daemon_config(GOOD, 20)
    env = dd.docker_daemon_environment(GOOD, 20)
    assert env["HTTP_PROXY"] == "http://proxy.lab.test:3128" and env["NO_PROXY"] == "localhost"
    assert env["OTEL_SDK_DISABLED"] == "true"
    assert "HTTP_PROXY" not in dd.docker_daemon_environment(GOOD, 23)
    # What docker info must show includes the proxy either way.
    assert dd.docker_daemon_expected(GOOD, 20)["proxies"]["http-proxy"] == "http://proxy.lab.test:3128"


@pytest.mark.parametrize(
    ("keys", "active", "dropins", "removed", "expected"),
    [
        (["registry-mirrors", "labels"], True, False, False, "reloaded"),
        ([], True, False, False, "reloaded"),
        (["dns"], True, False, False, "restarted"),
        (["registry-mirrors"], False, False, False, "restarted"),
        (["registry-mirrors"], True, True, False, "restarted"),
        (["registry-mirrors"], True, False, True, "restarted"),
    ],
)
def test_reload_or_restart(keys: list[str], active: bool, dropins: bool, removed: bool, expected: str) -> None:
    assert dd.docker_daemon_apply(keys, active, dropins, removed) == expected


@pytest.mark.parametrize(
    ("output", "major"),
    [("Docker version 20.10.24+dfsg1, build 297e128", 20), ("Docker version 29.1.3, build f52814d", 29), ("", 99)],
)
def test_engine_major(output: str, major: int) -> None:
    assert dd.docker_engine_major(output) == major


def test_exec_start_without_fd_host() -> None:
    status = "{ path=/usr/sbin/dockerd ; argv[]=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd.sock ; x }"
    assert dd.docker_exec_start(status) == "/usr/sbin/dockerd --containerd=/run/containerd.sock"
    assert dd.docker_exec_start("") == ""


def test_known_keys_cover_every_first_class_key() -> None:
    assert set(dd.KEY_VARIABLES) <= dd.KNOWN_KEYS
    assert dd.RELOADABLE_KEYS <= dd.KNOWN_KEYS


def test_info_of_docker_29_names_the_proxy_fields_otherwise() -> None:
    info = {"HttpProxy": "http://proxy.lab.test:3128", "HttpsProxy": "", "NoProxy": "localhost"}
    config = {"proxies": {"http-proxy": "http://proxy.lab.test:3128", "https-proxy": "", "no-proxy": "localhost"}}
    assert dd.docker_daemon_mismatches(info, config) == []
    assert dd.docker_daemon_mismatches({**info, "HttpProxy": ""}, config) == ["proxies"]


RUNNING = [{"Id": "a1", "Names": ["/app"]}, {"Id": "b2", "Names": ["/db"]}]


@pytest.mark.parametrize(
    ("result", "kept"),
    [
        ({"host_info": {"LiveRestoreEnabled": True}, "containers": RUNNING}, ["a1", "b2"]),
        # live-restore off: dockerd stops them itself and their restart policies decide.
        ({"host_info": {"LiveRestoreEnabled": False}, "containers": RUNNING}, []),
        ({"host_info": {"LiveRestoreEnabled": True}, "containers": []}, []),
        # dockerd did not answer (first start, a failed start).
        ({"failed": True, "msg": "Error connecting"}, []),
        ({"host_info": {"LiveRestoreEnabled": True}, "containers": RUNNING, "failed": True}, []),
        ({}, []),
        (None, []),
    ],
)
def test_live_restore_kept(result: dict[str, Any] | None, kept: list[str]) -> None:
    assert dd.docker_live_restore_kept(result) == kept


@pytest.mark.parametrize(
    ("stdout", "answered"),
    [
        ('{"ServerVersion": "20.10.24+dfsg1", "LiveRestoreEnabled": true}', True),
        # What `docker info --format '{{json .}}'` prints, exit code 0, when dockerd does not answer.
        ('{"ServerErrors":["Cannot connect to the Docker daemon at unix:///var/run/docker.sock."],'
         '"ClientInfo":{"Debug":false}}', False),
        ('{"ID":"","Containers":0,"ServerVersion":"","ServerErrors":["failed to connect"]}', False),
        ("", False),
        ("not json", False),
        ("[]", False),
        (None, False),
    ],
)
def test_info_answered(stdout: str | None, answered: bool) -> None:
    assert dd.docker_info_answered(stdout) is answered


DAEMON = "/etc/docker/daemon.json"
DROPINS = "/etc/systemd/system/docker.service.d"


def _aside(path: str, changed: bool = True) -> dict[str, Any]:
    return {"changed": changed, "cmd": ["mv", "-f", path, path + dd.SET_ASIDE_SUFFIX]}


@pytest.mark.parametrize(
    ("written", "set_aside", "plan"),
    [
        # daemon.json written over (a backup), a drop-in created (none): one back, one gone.
        ([{"changed": True, "dest": DAEMON, "backup_file": DAEMON + ".1.~"},
          {"changed": True, "dest": f"{DROPINS}/hosts.conf", "item": {"name": "hosts.conf"}}],
         [],
         {"restore": [{"src": DAEMON + ".1.~", "dest": DAEMON}], "remove": [f"{DROPINS}/hosts.conf"]}),
        # The drop-in set aside while docker_daemon_hosts empties comes back (it was lost before).
        ([{"changed": True, "dest": DAEMON, "backup_file": DAEMON + ".2.~"}],
         [_aside(f"{DROPINS}/hosts.conf"), _aside(f"{DROPINS}/environment.conf", changed=False)],
         {"restore": [{"src": DAEMON + ".2.~", "dest": DAEMON},
                      {"src": f"{DROPINS}/hosts.conf.dockyard-removed", "dest": f"{DROPINS}/hosts.conf"}],
          "remove": []}),
        # daemon.json set aside (nothing to set), as the removal of every setting does.
        ([{"skipped": True, "changed": False}], [_aside(DAEMON)],
         {"restore": [{"src": DAEMON + ".dockyard-removed", "dest": DAEMON}], "remove": []}),
        # A write that --validate refused changed nothing (no backup reported): nothing to do.
        ([{"failed": True, "changed": False, "dest": DAEMON, "msg": "failed to validate"}], [{}],
         {"restore": [], "remove": []}),
        # Unchanged files, skipped steps, a rescue before anything was registered.
        ([{"changed": False, "dest": DAEMON}, {}], [{"skipped": True, "changed": False}],
         {"restore": [], "remove": []}),
        (None, None, {"restore": [], "remove": []}),
        # Only the role's own set-aside moves count.
        ([], [{"changed": True, "cmd": ["mv", "-f", "/a", "/b"]}, {"changed": True, "cmd": "mv a b"}],
         {"restore": [], "remove": []}),
    ],
)
def test_rollback_plan(written: list[Any] | None, set_aside: list[Any] | None, plan: dict[str, Any]) -> None:
    assert dd.docker_rollback_plan(written, set_aside) == plan


# --- docker_daemon_writes: the apply runs only where the read differs ----------------------------

DAEMON = "/etc/docker/daemon.json"
DROPINS = "/etc/systemd/system/docker.service.d"
TEXT = '{\n  "live-restore": true\n}\n'
ENV = "[Service]\nEnvironment=HTTP_PROXY=http://proxy.lab.test:3128\n"


def _file(text: str, mode: str = "0644") -> dict[str, Any]:
    return {"exists": True, "isdir": False, "mode": mode, "checksum": hashlib.sha1(text.encode()).hexdigest()}


DIR = {"exists": True, "isdir": True, "mode": "0755"}
MISSING = {"exists": False}


def _files() -> dict[str, Any]:
    """A host whose daemon.json is TEXT, without drop-ins."""
    return {"/etc/docker": DIR, DAEMON: _file(TEXT), DROPINS: MISSING,
            f"{DROPINS}/environment.conf": MISSING, f"{DROPINS}/hosts.conf": MISSING}


def test_writes_of_a_host_as_asked_are_none() -> None:
    plan = dd.docker_daemon_writes(_files(), DAEMON, TEXT, DROPINS, {"environment.conf": None, "hosts.conf": None})
    assert plan == {"config_dir": False, "daemon_json": False, "daemon_json_aside": False, "dropin_dir": False,
                    "dropins_write": [], "dropins_aside": [], "any": False}


def test_writes_of_a_fresh_host() -> None:
    files = {DAEMON: MISSING, "/etc/docker": MISSING, DROPINS: MISSING}
    plan = dd.docker_daemon_writes(files, DAEMON, TEXT, DROPINS, {"environment.conf": ENV, "hosts.conf": None})
    assert plan == {"config_dir": True, "daemon_json": True, "daemon_json_aside": False, "dropin_dir": True,
                    "dropins_write": [{"name": "environment.conf", "text": ENV}], "dropins_aside": [], "any": True}


@pytest.mark.parametrize(
    ("files", "text", "dropins", "expected"),
    [
        # Another content, or the same content with another mode, is written again.
        ({DAEMON: _file("{}\n")}, TEXT, {}, {"daemon_json": True}),
        ({DAEMON: _file(TEXT, "0600")}, TEXT, {}, {"daemon_json": True}),
        # Nothing to set: an existing daemon.json is set aside, a missing one left alone.
        ({}, None, {}, {"daemon_json_aside": True}),
        ({DAEMON: MISSING}, None, {}, {}),
        # A drop-in no longer wanted is set aside when it exists; a wanted one is written when it differs.
        ({f"{DROPINS}/hosts.conf": _file("x")}, TEXT, {"hosts.conf": None}, {"dropins_aside": ["hosts.conf"]}),
        ({DROPINS: DIR, f"{DROPINS}/environment.conf": _file(ENV)}, TEXT, {"environment.conf": ENV}, {}),
        ({DROPINS: DIR, f"{DROPINS}/environment.conf": _file("old")}, TEXT, {"environment.conf": ENV},
         {"dropins_write": [{"name": "environment.conf", "text": ENV}]}),
    ],
)
def test_writes_name_each_difference(
    files: dict[str, Any], text: str | None, dropins: dict[str, str | None], expected: dict[str, Any]
) -> None:
    plan = dd.docker_daemon_writes({**_files(), **files}, DAEMON, text, DROPINS, dropins)
    none = {"config_dir": False, "daemon_json": False, "daemon_json_aside": False, "dropin_dir": False,
            "dropins_write": [], "dropins_aside": []}
    assert plan == {**none, **expected, "any": bool(expected)}
