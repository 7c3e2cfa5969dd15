"""The image store outlives the registry container; re-running the role changes nothing."""

from __future__ import annotations

from typing import Any

from conftest import DEMO, REGISTRY_HOST, catalog, inspect, run_role


def test_role_rerun_changes_nothing(registry: Any) -> None:
    before = inspect(registry, "registry")["Id"]
    result = run_role()
    assert result.rc == 0, result.output[-3000:]
    assert result.changed() == 0, result.output[-3000:]
    assert inspect(registry, "registry")["Id"] == before


def test_images_survive_recreating_the_container(registry: Any, client: Any, fresh: Any) -> None:
    before = inspect(registry, "registry")["Id"]
    registry.check_output("docker rm -f registry")
    result = run_role()
    assert result.rc == 0, result.output[-3000:]
    assert inspect(registry, "registry")["Id"] != before
    assert "friendlyhello" in catalog(client)
    fresh.run("docker rmi %s", DEMO)
    assert fresh.run("docker pull %s", DEMO).rc == 0


def test_new_names_reissue_the_certificate_and_recreate_the_container(registry: Any, client: Any) -> None:
    cert = "/etc/dockyard/registry/tls/registry.crt"
    before = inspect(registry, "registry")["Id"]
    extra: dict[str, object] = {"registry_tls_subject_alt_names": [f"DNS:{REGISTRY_HOST}", "DNS:registry.lab.example"]}
    result = run_role(extra)
    assert result.rc == 0, result.output[-3000:]
    assert "DNS:registry.lab.example" in registry.check_output(f"openssl x509 -in {cert} -noout -ext subjectAltName")
    served = registry.check_output(
        "openssl s_client -connect 127.0.0.1:5000 -servername %s </dev/null 2>/dev/null"
        " | openssl x509 -noout -ext subjectAltName",
        REGISTRY_HOST,
    )
    assert "DNS:registry.lab.example" in served
    assert inspect(registry, "registry")["Id"] != before
    # Back to the scenario's names: the clients keep working with the same CA.
    assert run_role().rc == 0
    assert "registry.lab.example" not in registry.check_output(f"openssl x509 -in {cert} -noout -ext subjectAltName")
    assert "friendlyhello" in catalog(client)
