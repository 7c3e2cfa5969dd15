"""The course's problem and its CA fix: unknown authority before, trusted pushes and pulls after."""

from __future__ import annotations

from typing import Any

from conftest import ADDRESS, CONFIG_DIR, DEMO, REGISTRY_HOST, catalog, inspect


def test_push_before_trust_failed_with_unknown_authority(client: Any) -> None:
    error = client.file("/var/tmp/push-before-trust.txt").content_string
    assert "x509: certificate signed by unknown authority" in error, error


def test_registry_runs_tls_with_its_store_in_a_volume(registry: Any) -> None:
    container = inspect(registry, "registry")
    assert container["State"]["Running"]
    assert container["Config"]["Image"] == "dockyard/registry:2"
    mounts = {m["Destination"]: m for m in container["Mounts"]}
    assert mounts["/var/lib/registry"]["Type"] == "volume"
    assert mounts["/var/lib/registry"]["Name"] == "registry-data"
    assert mounts["/certs"]["Source"] == f"{CONFIG_DIR}/tls" and not mounts["/certs"]["RW"]
    assert container["HostConfig"]["PortBindings"] == {"5000/tcp": [{"HostIp": "0.0.0.0", "HostPort": "5000"}]}
    env = dict(e.split("=", 1) for e in container["Config"]["Env"])
    assert env["REGISTRY_HTTP_TLS_CERTIFICATE"] == "/certs/registry.crt"
    assert env["REGISTRY_AUTH"] == "htpasswd"


def test_generated_certificates(registry: Any) -> None:
    tls = f"{CONFIG_DIR}/tls"
    for name, mode in [("ca.key", 0o600), ("registry.key", 0o600), ("ca.crt", 0o644), ("registry.crt", 0o644)]:
        f = registry.file(f"{tls}/{name}")
        assert (f.user, f.mode) == ("root", mode), name
    assert registry.file(tls).mode == 0o700
    assert registry.run(f"openssl verify -CAfile {tls}/ca.crt {tls}/registry.crt").rc == 0
    text = registry.check_output(f"openssl x509 -in {tls}/registry.crt -noout -text")
    assert f"DNS:{REGISTRY_HOST}" in text
    assert "TLS Web Server Authentication" in text
    ca = registry.check_output(f"openssl x509 -in {tls}/ca.crt -noout -text")
    assert "CA:TRUE" in ca


def test_every_docker_host_trusts_the_ca(registry: Any, client: Any, fresh: Any) -> None:
    ca = registry.file(f"{CONFIG_DIR}/tls/ca.crt").content_string
    for host in (registry, client, fresh):
        assert host.file(f"/etc/docker/certs.d/{ADDRESS}/ca.crt").content_string.strip() == ca.strip()
        anchor = host.file("/usr/local/share/ca-certificates/registry-" + ADDRESS.replace(":", "_") + ".crt")
        assert anchor.content_string.strip() == ca.strip()
    # The system store: curl verifies the registry's certificate (401: it asks for a login).
    code = client.check_output("curl -sS -o /dev/null -w '%%{http_code}' https://%s/v2/", ADDRESS)
    assert code == "401"


def test_the_demo_image_was_pushed(registry: Any, client: Any) -> None:
    assert "friendlyhello" in catalog(client)
    digests = client.check_output("docker image inspect --format '{{json .RepoDigests}}' %s", DEMO)
    assert f"{ADDRESS}/friendlyhello@sha256:" in digests


def test_a_fresh_host_pulls_and_runs_the_image(fresh: Any) -> None:
    fresh.run("docker rm -f hello-from-registry")
    fresh.run("docker rmi %s", DEMO)
    assert fresh.run("docker pull %s", DEMO).rc == 0
    fresh.check_output("docker run -d --name hello-from-registry -p 4000:5000 %s", DEMO)
    out = fresh.check_output(
        "curl -sS --retry 20 --retry-delay 1 --retry-all-errors --max-time 5 http://127.0.0.1:4000/"
    )
    assert out == "Hello, World!"
    fresh.run("docker rm -f hello-from-registry")
