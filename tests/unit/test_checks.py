"""The shared input rules (plugins/module_utils/checks.py): valid, invalid and edge values."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.dockyard.lab.plugins.module_utils import checks as c


def _cases(rule: str, good: list[Any], bad: list[Any]) -> list[Any]:
    return [pytest.param(rule, v, True, id=f"{rule}-ok-{v!r}") for v in good] + [
        pytest.param(rule, v, False, id=f"{rule}-bad-{v!r}") for v in bad
    ]


CASES = (
    _cases("is_port", [1, 80, 65535, "4000"], [0, 65536, -1, "80a", "", None, True, 8.5, "0x50", " 22", "+80"])
    + _cases("is_ipv4", ["127.0.0.1", "0.0.0.0", "255.255.255.255"], ["256.0.0.1", "localhost", "::1", "1.2.3", 10])
    + _cases("is_ip", ["10.0.0.1", "::1", "2001:db8::53"], ["fe80::1%", "10.0.0.1/8", "dns.lab", None])
    + _cases(
        "is_cidr",
        ["10.0.0.0/8", "10.1.2.3/16", "fd00::/64", "0.0.0.0/0"],
        ["10.0.0.0", "10.0.0.0/33", "fd00::/129", "10.300.0.0/16", "", None],
    )
    + _cases(
        "is_hostname",
        ["registry", "registry.lab.test", "a-b.c1", "x" * 63, "localhost"],
        ["-bad", "bad-", "a_b", "has space", "x" * 64, "a..b", "", "https://r", 5],
    )
    + _cases(
        "is_host_port",
        ["registry.lab:5000", "registry", "10.0.0.1:5000", "[fd00::1]:5000", "localhost:1", "localhost:65535"],
        ["https://r:5000", "r:0", "r:65536", "r:port", "[nothost]:5000", "fd00::1:5000:x", "", ":5000"],
    )
    + _cases(
        "is_url",
        ["https://mirror.lab", "http://10.0.0.1:5000/path", "https://[fd00::1]:443"],
        ["mirror.lab", "ftp://m.lab", "https://", "https://m:99999", "http:///x", None],
    )
    + _cases(
        "is_docker_name",
        ["friendlyhello", "a", "redis_1.data-x", "0abc"],
        ["-data", ".x", "_x", "has space", "a/b", "", None],
    )
    + _cases(
        "is_image_reference",
        [
            "python:3.11-slim",
            "redis:7",
            "registry.lab:5000/team/app:1.0",
            "localhost/app",
            "mongo@sha256:" + "a" * 64,
            "app:v1@sha256:" + "0" * 64,
        ],
        ["Python:3.11", "redis:7:latest", "app:", "app:-x", "has space", "app@sha256:short", ""],
    )
    + _cases(
        "is_image_name",
        ["friendlyhello", "registry.lab:5000/friendlyhello", "a/b/c", "a__b", "a--b"],
        ["FriendlyHello", "app:1", "/app", "app/", "a_-b", ""],
    )
    + _cases("is_image_tag", ["latest", "1.0", "v1_beta-2", "_x", "x" * 128], ["v1/beta", "-x", ".x", "x" * 129, ""])
    + _cases("is_registry", ["registry.lab:5000", "localhost", "host:5000", "10.0.0.1:5000"], ["https://r", "host", ""])
    + _cases("is_repository_path", ["team/app", "app"], ["Team/app", "team//app", ""])
    + _cases("is_file_mode", ["0644", "750", "0700"], ["644x", "0888", 420, "u=rw", "12345"])
    + _cases(
        "is_abs_path",
        ["/opt/demo_app", "/srv/docker/", "/a.b/c"],
        ["opt/demo_app", "/", "//", "", "/opt/../etc", "/a/..", None, "/x\ny"],
    )
    + _cases("is_safe_filename", ["lab-ca", "a.crt", "0x"], [".hidden", "a/b", "../x", "", "x" * 65])
    + _cases(
        "is_size", ["10m", "50M", "1.5g", "512k", "100b", "2GiB", "1kb", 1024, "7"], ["50Q", "m", "-1m", "", None, True]
    )
    + _cases("is_cpus", ["0.5", "2", ".25", 1, 0.5], ["fast", "0", 0, -1, "1.", "", None, True])
    + _cases("is_duration", ["10s", "1m30s", "500ms", "0s", "1.5h"], ["10", "ten", "s", "10 s", "-1s", "", None, 10])
    + _cases("is_env_name", ["HTTP_PROXY", "_x", "a1"], ["1A", "A-B", "", "A B"])
    + _cases(
        "is_checksum",
        ["sha256:" + "a" * 64, "SHA256:" + "F" * 64, "sha512:" + "0" * 128, "sha384:" + "1" * 96],
        ["sha256:" + "a" * 63, "md5:" + "a" * 32, "sha256:" + "g" * 64, "a" * 64, "", None],
    )
)


@pytest.mark.parametrize(("rule", "value", "expected"), CASES)
def test_rule(rule: str, value: Any, expected: bool) -> None:
    assert getattr(c, rule)(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10m", 10 << 20), ("50M", 50 << 20), ("1.5g", 3 << 29), ("512k", 512 << 10), ("100", 100), ("2GiB", 2 << 30)],
)
def test_size_in_bytes(value: str, expected: int) -> None:
    assert c.size_in_bytes(value) == expected


def test_host_port_needs_a_port_when_asked() -> None:
    assert c.is_host_port("registry.lab:5000", port_required=True)
    assert not c.is_host_port("registry.lab", port_required=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("r:5000", ("r", "5000")), ("[fd00::1]:5000", ("fd00::1", "5000")), ("r", ("r", None)), ("[::1]", ("::1", None))],
)
def test_split_host_port(value: str, expected: tuple[str, str | None]) -> None:
    assert c.split_host_port(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("yes", True), ("True", True), ("on", True), (1, True), ("1", True), (False, False),
     ("no", False), (0, False), (2, False), ("", False), (None, False), ("maybe", False)],
)
def test_is_true_reads_values_as_the_bool_filter_does(value: Any, expected: bool) -> None:
    assert c.is_true(value) is expected


def test_whole_bounds() -> None:
    assert c.is_whole(1, 1, 4) and c.is_whole("4", 1, 4)
    assert not c.is_whole(0, 1, 4) and not c.is_whole(5, 1, 4) and not c.is_whole(False, 0)


CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
EC_KEY = "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n"


def test_pem_blocks_drop_what_is_around_them() -> None:
    text = "subject=CN lab\n" + CERT + "junk\n" + CERT
    assert c.pem_blocks(text, "CERTIFICATE") == [CERT.strip(), CERT.strip()]
    assert c.pem_blocks(text, "PRIVATE KEY") == []
    assert c.pem_blocks(None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [(CERT, True), (CERT + CERT, False), (CERT + KEY, False), ("junk", False), ("", False), (None, False)],
)
def test_is_pem_certificate(text: Any, expected: bool) -> None:
    assert c.is_pem_certificate(text) is expected


@pytest.mark.parametrize(("text", "expected"), [(KEY, True), (EC_KEY, True), (CERT, False), ("", False)])
def test_private_keys(text: str, expected: bool) -> None:
    assert c.is_pem_private_key(text) is expected
    assert c.has_private_key(text) is expected


def test_show_tells_strings_from_numbers() -> None:
    assert c.show("80") == '"80"' and c.show(80) == "80" and c.show(None) == "null"
    assert c.show({1}) == "{1}"


def test_problems_messages_name_the_variable() -> None:
    p = c.Problems()
    assert not p.port("x_port", 0)
    assert p.port("x_port", 80)
    p.ipv4("x_ip", "localhost")
    p.docker_name("x_name", "-a")
    p.image_reference("x_image", "A:b")
    p.image_name("x_image_name", "A")
    p.image_tag("x_tag", "a/b")
    p.abs_path("x_dir", "rel")
    p.whole("x_n", 0, 1, 64)
    p.whole("x_m", 0, 1)
    p.non_empty("x_s", " ")
    p.size("x_size", "50Q")
    p.cpus("x_cpus", "fast")
    p.mapping("x_map", "a=b")
    p.listing("x_list", "a")
    assert [m.split(" ")[0] for m in p.messages] == [
        "x_port",
        "x_ip",
        "x_name",
        "x_image",
        "x_image_name",
        "x_tag",
        "x_dir",
        "x_n",
        "x_m",
        "x_s",
        "x_size",
        "x_cpus",
        "x_map",
        "x_list",
    ]
    assert p.messages[0] == "x_port must be a port number from 1 to 65535, got 0"
    assert p.messages[7] == "x_n must be a whole number from 1 to 64, got 0"
    assert p.messages[8] == "x_m must be a whole number of at least 1, got 0"
    assert p.messages[13] == 'x_list must be a list, got str "a"'
    p.listing("x_none", None)
    assert p.messages[14] == "x_none must be a list, got null"


def test_type_names_are_yaml_types() -> None:
    class TaggedStr(str):  # what ansible-core 2.19 passes for a templated string
        pass

    values: list[Any] = [TaggedStr("x"), True, 3, 1.5, [], {}, None]
    assert [c.type_name(v) for v in values] == [
        "str", "bool", "int", "float", "list", "dict", "null",
    ]
