"""The local lab's "never replace a lab host silently" decision (plugins/filter/lab.py)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.dockyard.lab.plugins.filter.lab import (
    FilterModule,
    lab_published_ports,
    lab_removal_message,
    lab_replacement_message,
    lab_replacements,
)


def _result(name: str, running: str, asked: str, *, removed: bool = True,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A docker_container check-mode result with diff, as the module returns it; `extra`: settings now asked."""
    actions: list[dict[str, Any]] = [{"stopped": "abc"}, {"removed": "abc"}, {"created": "Created container"}]
    before = {"image": "sha256:1", "image_name": running, **{k: None for k in extra or {}}}
    after = {"image": "sha256:2", "image_name": asked, **(extra or {})}
    return {
        "item": 1,
        "actions": actions if removed else [],
        "changed": removed,
        "container": {"Name": f"/{name}", "Config": {"Image": running}},
        "diff": {"before": before, "after": after} if removed else {},
    }


def test_nothing_to_replace_when_no_container_is_removed() -> None:
    assert lab_replacements([_result("dockyard-lab-1", "dockyard/systemd:debian12", "dockyard/systemd:debian12",
                                     removed=False)]) == []


def test_a_new_host_is_not_a_replacement() -> None:
    created = {"item": 2, "actions": [{"created": "Created container"}], "changed": True, "container": {}}
    assert lab_replacements([created]) == []


def test_another_distro_is_named() -> None:
    found = lab_replacements([_result("dockyard-lab-1", "dockyard/systemd:debian12", "dockyard/systemd:ubuntu2404")])
    assert found == [{"name": "dockyard-lab-1", "running": "debian12", "asked": "ubuntu2404", "differs": ["image"]}]


def test_other_settings_that_force_a_new_container_are_listed() -> None:
    ports = {"22/tcp": [{"HostIp": "127.0.0.1", "HostPort": "2222"}]}
    found = lab_replacements([_result("dockyard-lab-2", "dockyard/systemd:debian12", "dockyard/systemd:debian12",
                                      extra={"published_ports": ports})])
    assert found[0]["differs"] == ["image", "published_ports"]


def test_the_message_names_the_running_distro_and_the_ways_on() -> None:
    found = lab_replacements([_result("dockyard-lab-1", "dockyard/systemd:ubuntu2404", "dockyard/systemd:debian12")])
    msg = lab_replacement_message(found, "debian12")
    assert msg.startswith("make lab would replace running lab hosts, losing what was done in them: "
                          "dockyard-lab-1 runs ubuntu2404, LAB_DISTRO=debian12 asks for debian12 [differs: image].")
    assert "Nothing was changed." in msg
    assert "`make lab LAB_DISTRO=ubuntu2404` to keep the running lab" in msg
    assert "`make lab-down`" in msg and "`make lab LAB_DISTRO=debian12 LAB_RECREATE=1`" in msg


def test_the_message_for_a_rebuilt_image_of_the_same_distro() -> None:
    found = lab_replacements([_result("dockyard-lab-1", "dockyard/systemd:debian12", "dockyard/systemd:debian12")])
    msg = lab_replacement_message(found, "debian12")
    assert "dockyard-lab-1 runs debian12 from an image that differs from today's debian12" in msg
    assert "to keep the running lab" not in msg


def test_published_ports_step_by_ten_per_host() -> None:
    ports = {22: 2222, 4000: 4000, 27017: 27017}
    assert lab_published_ports(ports, 1) == ["127.0.0.1:2222:22", "127.0.0.1:4000:4000", "127.0.0.1:27017:27017"]
    assert lab_published_ports(ports, "3") == ["127.0.0.1:2242:22", "127.0.0.1:4020:4000", "127.0.0.1:27037:27017"]


def test_published_ports_zero_lets_docker_pick() -> None:
    assert lab_published_ports({"22": 0}, 5) == ["127.0.0.1::22"]


def test_published_ports_out_of_range_raise() -> None:
    with pytest.raises(ValueError, match="host 9 would publish 22 on port 65610"):
        lab_published_ports({22: 65530}, 9)


def test_removal_message() -> None:
    assert lab_removal_message(["dockyard-lab-2", "dockyard-lab-3"], "1") == (
        "make lab would remove dockyard-lab-2, dockyard-lab-3 (LAB_HOSTS=1), losing what was done in them. "
        "Nothing was changed. Run `make lab LAB_HOSTS=3` to keep them, or `make lab LAB_HOSTS=1 LAB_RECREATE=1` "
        "to remove them."
    )


def test_registered() -> None:
    assert set(FilterModule().filters()) == {"lab_replacements", "lab_replacement_message", "lab_published_ports",
                                             "lab_removal_message"}
