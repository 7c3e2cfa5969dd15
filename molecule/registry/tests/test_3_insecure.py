"""The course's other fix, insecure-registries: it works, and it is what skips verification.

The registry's IP address is not in its certificate, so even a host that trusts the CA
refuses it by address; the client lists that address in insecure-registries and is let in.
"""

from __future__ import annotations

import json
from typing import Any

from conftest import PASSWORD, USER


def _address(registry: Any) -> str:
    """The registry instance's address on the scenario's network (eth0; docker0 is its inner engine's)."""
    ip = registry.check_output("ip -4 -o addr show dev eth0").split()[3].split("/")[0]
    return f"{ip}:5000"


def _login(host: Any, address: str) -> Any:
    return host.run(
        "printf %%s %s | docker --config /tmp/insecure-test login -u %s --password-stdin %s", PASSWORD, USER, address
    )


def test_the_client_lists_the_address_as_insecure(registry: Any, client: Any) -> None:
    daemon = json.loads(client.file("/etc/docker/daemon.json").content_string)
    assert daemon["insecure-registries"] == [_address(registry)]


def test_a_host_that_only_trusts_the_ca_refuses_the_address(registry: Any, fresh: Any) -> None:
    result = _login(fresh, _address(registry))
    assert result.rc != 0
    assert "doesn't contain any IP SANs" in result.stderr + result.stdout, result.stderr


def test_the_insecure_client_pushes_and_pulls_by_address(registry: Any, client: Any) -> None:
    address = _address(registry)
    assert _login(client, address).rc == 0
    client.check_output("docker tag dockyard/redis:7 %s/insecure-probe:1", address)
    assert client.run("docker --config /tmp/insecure-test push %s/insecure-probe:1", address).rc == 0
    client.check_output("docker rmi %s/insecure-probe:1", address)
    assert client.run("docker --config /tmp/insecure-test pull %s/insecure-probe:1", address).rc == 0
    client.run("rm -rf /tmp/insecure-test")
