"""The ca_certificates role, end to end on a systemd instance.

prepare.yml made a PKI on the controller (MOLECULE_EPHEMERAL_DIRECTORY/pki), started an
`openssl s_server` on 127.0.0.1:8443 with a certificate signed by `lab-root-ca`, and recorded
that curl and `openssl verify` rejected it before the role ran. converge.yml installed four
entries (content + registry + client certificate, src, url + checksum, certs.d only).

The later tests re-run the role through apply.yml with other lists (bad inputs and check mode,
all at once as none of them may write; then removal, last). After a verify, run
`molecule converge` again before verifying again: the removal test leaves the store empty.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
SCENARIO = Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"])
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
PKI = EPHEMERAL / "pki"
ANSIBLE_PLAYBOOK = str(Path(sys.executable).parent / "ansible-playbook")

# Debian and Ubuntu paths (the four distros this scenario runs on).
ANCHORS = "/usr/local/share/ca-certificates"
BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
CERTS_D = "/etc/docker/certs.d"
REGISTRY = "registry.lab.test:5000"
MIRROR = "mirror.lab.test"
SERVER = "https://localhost:8443/"
UNKNOWN_CA = "unable to get local issuer certificate"
URL = "http://127.0.0.1:8080/lab-url-ca.crt"


def pem(name: str) -> str:
    return (PKI / f"{name}.crt").read_text()


def key(name: str) -> str:
    return (PKI / f"{name}.key").read_text()


def run_role(
    host: Any, entries: list[dict[str, Any]], *args: str, role_vars: dict[str, Any] | None = None
) -> tuple[int, str]:
    """Run apply.yml with this ca_certificates_list (and role_vars) against the instance; return (exit code,
    output). Results are printed as JSON, one line each, so failure_messages() can read them back."""
    fd, extra = tempfile.mkstemp(prefix="extra-vars-", suffix=".json", dir=EPHEMERAL)
    with os.fdopen(fd, "w") as f:
        json.dump({**(role_vars or {}), "ca_certificates_list": entries}, f)
    env = dict(
        os.environ,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
    )
    cmd = [ANSIBLE_PLAYBOOK, "-i", INVENTORY, "-l", host.backend.host, str(SCENARIO / "apply.yml"), "-e", f"@{extra}"]
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=600, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def failure_messages(output: str) -> list[str]:
    """The `msg` of every failed task in the output (one JSON result per line)."""
    return [json.loads(line)["msg"] for line in re.findall(r"^fatal: \[[^]]+\]: FAILED! => (\{.*\})$", output, re.M)]


def not_after(name: str) -> str:
    """A certificate's expiry as the role prints it (YYYYmmddHHMMSSZ), read here with cryptography."""
    certificate = x509.load_pem_x509_certificate(pem(name).encode())
    return certificate.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ")


def recap(output: str, host: Any) -> dict[str, int]:
    match = re.search(rf"^{re.escape(host.backend.host)}\s+:\s+(.*)$", output, re.MULTILINE)
    assert match, output
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match.group(1))}


def snapshot(host: Any) -> str:
    """Every path, type, mode, owner and link target, and every byte (sha256) of the stores."""
    paths = f"{ANCHORS} {CERTS_D} /etc/ssl/certs"
    listing = host.run(f"find {paths} -printf '%p %y %m %u:%g %l\\n' 2>/dev/null | sort").stdout
    files = f"find {ANCHORS} {CERTS_D} {BUNDLE} -type f -print0 2>/dev/null | sort -z"
    sums = host.run(f"{files} | xargs -0 -r sha256sum").stdout
    assert BUNDLE in sums
    return listing + sums


def curl(host: Any) -> Any:
    return host.run(f"curl -sS -o /dev/null -w '%{{http_code}}' {SERVER}")


# --- before and after the role ------------------------------------------------------------


def test_before_the_role_curl_and_openssl_rejected_the_server(host):
    before = json.loads((EPHEMERAL / f"before-{host.backend.host}.json").read_text())
    assert before["curl"]["rc"] == 60, before
    assert UNKNOWN_CA in before["curl"]["stderr"]
    assert before["verify"]["rc"] != 0, before
    assert UNKNOWN_CA in before["verify"]["stderr"]


def test_after_the_role_curl_trusts_the_server(host):
    result = curl(host)
    assert result.rc == 0, result.stderr
    assert result.stdout == "200"


def test_after_the_role_openssl_verifies_against_the_system_bundle(host):
    result = host.run(f"openssl verify -CAfile {BUNDLE} /srv/ca-test/server.crt")
    assert result.rc == 0, result.stderr
    assert result.stdout.strip() == "/srv/ca-test/server.crt: OK"
    # ... and through the hashed directory (the links update-ca-certificates made).
    assert host.run("openssl verify -CApath /etc/ssl/certs /srv/ca-test/server.crt").rc == 0


@pytest.mark.parametrize("name", ["lab-root-ca", "lab-src-ca", "lab-url-ca"])
def test_each_source_lands_in_the_system_store(host, name):
    anchor = host.file(f"{ANCHORS}/{name}.crt")
    assert anchor.is_file
    assert (anchor.user, anchor.group, anchor.mode) == ("root", "root", 0o644)
    assert anchor.content_string == pem(name).strip() + "\n"
    assert pem(name).strip() in host.file(BUNDLE).content_string


# --- Docker's certs.d -----------------------------------------------------------------------


def test_registry_directory_layout_owners_and_modes(host):
    directory = host.file(f"{CERTS_D}/{REGISTRY}")
    assert directory.is_directory
    assert (directory.user, directory.group, directory.mode) == ("root", "root", 0o755)
    assert sorted(directory.listdir()) == ["ca.crt", "client.cert", "client.key"]
    expected = {
        "ca.crt": (0o644, pem("lab-root-ca")),
        "client.cert": (0o644, pem("client")),
        "client.key": (0o600, key("client")),
    }
    for file_name, (mode, content) in expected.items():
        f = host.file(f"{CERTS_D}/{REGISTRY}/{file_name}")
        assert (f.user, f.group, f.mode) == ("root", "root", mode), file_name
        assert f.content_string == content.strip() + "\n", file_name


def test_certs_d_only_entry_stays_out_of_the_system_store(host):
    assert host.file(f"{CERTS_D}/{MIRROR}/ca.crt").content_string == pem("lab-mirror-ca").strip() + "\n"
    assert sorted(host.file(f"{CERTS_D}/{MIRROR}").listdir()) == ["ca.crt"]
    assert not host.file(f"{ANCHORS}/lab-mirror-ca.crt").exists
    assert pem("lab-mirror-ca").strip() not in host.file(BUNDLE).content_string


# --- runs that must not write: check mode and the bad inputs --------------------------------

CHECK_MODE_ENTRIES = [
    {"name": "spare-ca", "content": "<spare-ca>", "docker_registries": ["spare.lab.test"]},
    {"name": "lab-src-ca", "state": "absent"},
]

# --- bad inputs -----------------------------------------------------------------------------

# Each bad entry comes after a valid new one: that one must not be written either.
GOOD_NEIGHBOUR = {"name": "spare-ca", "content": "", "docker_registries": ["spare.lab.test"]}
BAD_INPUTS: dict[str, dict[str, Any]] = {
    "garbage PEM": {"name": "bad-garbage", "content": "this is not a certificate\n"},
    "garbage inside PEM armour": {
        "name": "bad-armour",
        "content": "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
    },
    "private key in the content": {"name": "bad-with-key", "content": "<spare-ca cert + key>"},
    "leaf where a CA is required": {"name": "bad-leaf", "content": "<leaf>"},
    "expired CA": {"name": "bad-expired", "content": "<expired-ca>"},
    "wrong checksum for url": {"name": "bad-checksum", "url": URL, "checksum": "sha256:" + "0" * 64},
    "name containing /": {"name": "lab/../../etc/evil", "content": "<spare-ca>"},
    # Several certificates in one entry: refused, one CA per entry (README "Validation").
    "bundle of two CAs": {"name": "bad-bundle", "content": "<lab-src-ca + spare-ca>", "docker_registries": ["b.lab"]},
    # The server's key with the client's certificate.
    "client key of another certificate": {
        "name": "bad-client-key",
        "content": "<spare-ca>",
        "docker_registries": ["client-key.lab.test:5000"],
        "client_cert": "<client>",
        "client_key": "<server key>",
    },
}
# Each run's whole failure message after "ca_certificates_list entry '<name>': " (the validation
# filters, plugins/filter/ca_certificates.py; tests/unit covers each rule's cases).
BAD_MESSAGES: dict[str, str] = {
    "garbage PEM": "no PEM certificate (-----BEGIN CERTIFICATE-----) found",
    "garbage inside PEM armour": "the PEM certificate does not parse as an X.509 certificate (damaged or truncated?)",
    "private key in the content": (
        "the certificate text contains a private key: give only the certificate, the key stays with the CA"
    ),
    "leaf where a CA is required": (
        "is not a CA certificate (no basicConstraints CA:TRUE; subject CN=registry.lab.test): install the CA that "
        "signed it, or set require_ca: false on the entry to trust this very certificate"
    ),
    # apply.yml leaves ca_certificates_expired at the role's default, fail.
    "expired CA": "expired on <expired-ca not after> (ca_certificates_expired: fail)",
    "wrong checksum for url": f"checksum mismatch for {URL}: expected sha256:{'0' * 64}, got sha256:<lab-url-ca>",
    "name containing /": (
        "name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it becomes <name>.crt)"
    ),
    "bundle of two CAs": "holds 2 certificates: give one per entry",
    "client key of another certificate": "client_key does not belong to client_cert (their public keys differ)",
}


def _materialise(entry: dict[str, Any]) -> dict[str, Any]:
    texts = {
        "<spare-ca cert + key>": pem("spare-ca") + key("spare-ca"),
        "<leaf>": pem("leaf"),
        "<expired-ca>": pem("expired-ca"),
        "<spare-ca>": pem("spare-ca"),
        "<lab-src-ca + spare-ca>": pem("lab-src-ca") + pem("spare-ca"),
        "<client>": pem("client"),
        "<server key>": key("server"),
    }
    return {k: texts.get(v, v) if isinstance(v, str) else v for k, v in entry.items()}


@pytest.fixture(scope="module")
def no_write_runs(host):
    """Run check mode and every bad input at once: none may write, so they cannot disturb
    each other, and one snapshot before and after covers them all."""
    before = snapshot(host)
    neighbour = dict(GOOD_NEIGHBOUR, content=pem("spare-ca"))
    runs = {case: ([neighbour, _materialise(entry)],) for case, entry in BAD_INPUTS.items()}
    runs["check mode"] = ([_materialise(e) for e in CHECK_MODE_ENTRIES], "--check", "--diff")
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        futures = {case: pool.submit(run_role, host, entries, *args) for case, (entries, *args) in runs.items()}
        results = {case: future.result() for case, future in futures.items()}
    return before, results, snapshot(host)


def test_check_mode_reports_changes_and_writes_nothing(host, no_write_runs):
    before, results, after = no_write_runs
    rc, output = results["check mode"]
    assert rc == 0, output
    assert recap(output, host)["changed"] > 0, output
    assert after == before


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_fails_before_any_change_naming_the_entry(host, no_write_runs, case):
    before, results, after = no_write_runs
    rc, output = results[case]
    name = BAD_INPUTS[case]["name"]
    message = (
        BAD_MESSAGES[case]
        .replace("<lab-url-ca>", hashlib.sha256(pem("lab-url-ca").encode()).hexdigest())
        .replace("<expired-ca not after>", not_after("expired-ca"))
    )
    assert rc != 0, output
    assert failure_messages(output) == [f"ca_certificates_list entry '{name}': {message}"], output
    for secret in ("spare-ca", "server"):
        assert key(secret).splitlines()[1] not in output, f"the {secret} private key was echoed"
    assert "Add the certificates to the system trust store" not in output, output
    assert after == before


# --- roll-back -------------------------------------------------------------------------------


@pytest.fixture
def blocker(host):
    """A directory where the anchor file of the entry `blocker` must go, removed afterwards."""
    assert host.run(f"mkdir {ANCHORS}/blocker.crt").rc == 0
    yield
    host.run(f"rmdir {ANCHORS}/blocker.crt")


def test_a_failed_write_is_rolled_back(host, blocker):
    """A directory where the third anchor file must go makes the write fail: the new anchor
    goes, the replaced one comes back, and the store is as it was."""
    before = snapshot(host)
    entries = [
        {"name": "spare-ca", "content": pem("spare-ca")},  # new
        {"name": "lab-src-ca", "content": pem("spare-ca")},  # replaced
        {"name": "blocker", "content": pem("spare-ca")},  # fails
    ]
    rc, output = run_role(host, entries)
    assert rc != 0, output
    assert "rolled back" in output, output
    assert "entry 'blocker'" in output, output
    assert snapshot(host) == before
    assert curl(host).rc == 0


# --- an expired CA with ca_certificates_expired warn or allow ---------------------------------


@pytest.fixture(params=["warn", "allow"])
def expired_installed(host, request):
    """The expired CA installed under ca_certificates_expired `warn` or `allow` (in the store and
    a registry's certs.d). Yields (policy, entry name, registry, output). Afterwards its files go
    and the store is rebuilt directly, not through the role (removal is tested below): one role
    run per policy keeps the scenario short."""
    policy = request.param
    name, registry = f"expired-{policy}", f"expired-{policy}.lab.test"
    request.addfinalizer(
        lambda: host.run(f"rm -rf {ANCHORS}/{name}.crt {CERTS_D}/{registry} && update-ca-certificates --fresh")
    )
    entry = {"name": name, "content": pem("expired-ca"), "docker_registries": [registry]}
    rc, output = run_role(host, [entry], role_vars={"ca_certificates_expired": policy})
    assert rc == 0, output
    return policy, name, registry, output


def test_an_expired_ca_is_installed_with_warn_or_allow(host, expired_installed):
    policy, name, registry, output = expired_installed
    warning = (
        f"WARNING: ca_certificates_list entry '{name}' expired on {not_after('expired-ca')}; "
        "installing it anyway (ca_certificates_expired: warn)."
    )
    if policy == "warn":
        assert f'"msg": "{warning}"' in output, output
    else:
        assert "expired on" not in output, output
    anchor = host.file(f"{ANCHORS}/{name}.crt")
    assert anchor.content_string == pem("expired-ca").strip() + "\n"
    assert host.file(f"{CERTS_D}/{registry}/ca.crt").content_string == pem("expired-ca").strip() + "\n"
    assert pem("expired-ca").strip() in host.file(BUNDLE).content_string


# --- removal (last: run `molecule converge` again before another `molecule verify`) --------

ALL_ABSENT = [
    {"name": "lab-root-ca", "state": "absent", "docker_registries": [REGISTRY]},
    {"name": "lab-src-ca", "state": "absent"},
    {"name": "lab-url-ca", "state": "absent"},
    {"name": "lab-mirror-ca", "state": "absent", "system_store": False, "docker_registries": [MIRROR]},
]


def test_removal_makes_the_server_untrusted_again_then_is_idempotent(host):
    rc, output = run_role(host, ALL_ABSENT)
    assert rc == 0, output
    assert "update-ca-certificates --fresh" in output, output

    result = curl(host)
    assert result.rc == 60, (result.rc, result.stderr)
    assert UNKNOWN_CA in result.stderr
    verify = host.run(f"openssl verify -CAfile {BUNDLE} /srv/ca-test/server.crt")
    assert verify.rc != 0
    assert UNKNOWN_CA in verify.stderr

    bundle = host.file(BUNDLE).content_string
    for name in ("lab-root-ca", "lab-src-ca", "lab-url-ca"):
        assert not host.file(f"{ANCHORS}/{name}.crt").exists
        assert pem(name).strip() not in bundle
    # --fresh leaves no dangling links to the removed files in /etc/ssl/certs.
    assert host.run("find -L /etc/ssl/certs -maxdepth 1 -type l").stdout == ""
    assert not host.file(f"{CERTS_D}/{REGISTRY}").exists
    assert not host.file(f"{CERTS_D}/{MIRROR}").exists

    rc, output = run_role(host, ALL_ABSENT)
    assert rc == 0, output
    assert recap(output, host)["changed"] == 0, output
