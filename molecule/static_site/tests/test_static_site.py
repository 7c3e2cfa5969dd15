"""The course's ws server on the converged instance: pages, listing, user, restarts, rebuilds.

The tests run in file order and share the instance: each leaves the site as converge made it
(the sample pages baked into ws:latest on 127.0.0.1:8080), or says what it changed. Four runs
of the role in all: a stopped site started again, a host folder mounted, then changed pages
(which drops the mount), then the same again (nothing to do).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import time
from pathlib import Path

import pytest
from conftest import IMAGE, PAGES, SAMPLES, SITE, container_id, copy_samples, get, image_id, inspect, page, run_role

# What http.server would list at / if it served the image's root filesystem.
ROOT_ENTRIES = ("bin/", "etc/", "usr/", "proc/", "root/", "home/", "tmp/")
# A 1x1 GIF: a binary file, to show that pages are copied byte for byte.
GIF = b"GIF89a\x01\x00\x01\x00\x00\xff\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x00;"


def _listing(host) -> list[str]:  # type: ignore[no-untyped-def]
    code, body = get(host, "/")
    assert code == 200, body
    return re.findall(r'<a href="([^"]+)">', body)


def test_each_page_is_served_as_it_is_on_the_controller(host):
    for name in PAGES:
        assert page(host, name) == (SAMPLES / name).read_text()


def test_listing_shows_the_pages_and_nothing_of_the_root_filesystem(host):
    assert _listing(host) == list(PAGES)
    _, body = get(host, "/")
    assert not [entry for entry in ROOT_ENTRIES if entry in body], body


def test_image_has_the_course_dockerfile_shape(host):
    config = inspect(host, IMAGE)["Config"]
    assert config["WorkingDir"] == "/data"
    assert config["Cmd"] == ["python3", "-m", "http.server", "8080"]
    assert config["User"] == "web"
    assert len(config["Labels"]["org.dockyard.static_site.context"]) == 64
    dockerfile = host.file("/opt/static_site/Dockerfile")
    assert dockerfile.mode == 0o644
    text = dockerfile.content_string
    assert "FROM dockyard/python:3.11-slim" in text
    assert "WORKDIR /data" in text
    assert 'CMD ["python3", "-m", "http.server", "8080"]' in text
    # The pages in the build context are the controller's, byte for byte.
    for name in PAGES:
        assert host.file(f"/opt/static_site/pages/{name}").content == (SAMPLES / name).read_bytes()


def test_server_runs_as_a_non_root_user(host):
    pid = host.check_output("docker inspect --format '{{.State.Pid}}' %s", SITE)
    status = host.file(f"/proc/{pid}/status").content_string
    uids = re.search(r"^Uid:\s+(.*)$", status, re.M)
    assert uids, status
    assert "0" not in uids.group(1).split(), status  # real, effective, saved and filesystem uid
    assert host.file(f"/proc/{pid}/cmdline").content.split(b"\0")[:4] == [b"python3", b"-m", b"http.server", b"8080"]
    # The pages are root's: the server cannot change them.
    assert host.run("docker exec %s touch /data/file1.html", SITE).rc != 0


def test_published_on_loopback_with_a_restart_policy(host):
    site = inspect(host, SITE)
    assert site["HostConfig"]["PortBindings"] == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}
    assert site["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    assert site["HostConfig"]["Binds"] in (None, [])


def _wait_until_running(host, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while host.run("docker inspect --format '{{.State.Running}}' %s", SITE).stdout.strip() != "true":
        assert time.monotonic() < deadline, f"{SITE} was not running again within {timeout:.0f}s"
        time.sleep(2)


def _started_at(host) -> str:  # type: ignore[no-untyped-def]
    return str(host.check_output("docker inspect --format '{{.State.StartedAt}}' %s", SITE))


def test_site_comes_back_after_docker_restarts(host):
    before, started = container_id(host), _started_at(host)
    # With live-restore (the docker role's default) the container runs through a dockerd restart.
    host.check_output("systemctl restart docker")
    _wait_until_running(host, 60)
    assert page(host, "file1.html") == (SAMPLES / "file1.html").read_text()
    # A restart that does stop it: the host reboots (this instance restarted by the outer
    # engine; systemd stops Docker and every container). The restart policy brings it back.
    subprocess.run(["docker", "restart", host.backend.get_hostname()], check=True, capture_output=True)
    _wait_until_running(host, 120)
    assert container_id(host) == before
    assert _started_at(host) != started
    assert page(host, "file1.html") == (SAMPLES / "file1.html").read_text()


def test_a_stopped_site_is_started_again_from_one_read(host):
    # The container is read once (with the image, for the build) and started only on drift.
    before = container_id(host)
    host.check_output("docker stop %s", SITE)
    result = run_role({})
    assert result.rc == 0, result.output
    assert result.statuses("Read the site's container and image") == ["ok"]
    assert result.statuses("Read the image's record of its build context") == ["skipping"]
    assert result.statuses("Run the site (not running (exited))") == ["changed"], result.output[-3000:]
    assert container_id(host) == before  # started, not re-created
    assert page(host, "file1.html") == (SAMPLES / "file1.html").read_text()


def test_a_host_folder_is_served_live_and_read_only(host):
    # Leaves the folder mounted: the next test's run drops the mount.
    host.check_output("mkdir -p /srv/lab-pages && printf 'draft\\n' > /srv/lab-pages/notes.html")
    image = image_id(host)
    result = run_role({"static_site_pages_dir": "/srv/lab-pages"})
    assert result.rc == 0, result.output
    assert image_id(host) == image  # the mount replaces /data; the image stays
    assert inspect(host, SITE)["HostConfig"]["Binds"] == ["/srv/lab-pages:/data:ro"]
    assert page(host, "notes.html") == "draft\n"
    host.check_output("printf 'edited live\\n' > /srv/lab-pages/notes.html")
    assert page(host, "notes.html") == "edited live\n"  # no re-run needed
    assert _listing(host) == ["notes.html"]
    denied = host.run("docker exec %s sh -c 'echo x > /data/new.html'", SITE)
    assert denied.rc != 0 and "Read-only file system" in denied.stderr, denied


@pytest.fixture(scope="module")
def edited_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample pages copied on the controller, then one edited, one removed, one binary added."""
    pages = copy_samples(tmp_path_factory.mktemp("static_site") / "pages")
    (pages / "file2.html").write_text("<h1>Page 2, edited on the controller</h1>\n")
    (pages / "file3.html").unlink()
    (pages / "img").mkdir()
    (pages / "img" / "dot.gif").write_bytes(GIF)
    return pages


def test_changed_pages_rebuild_once_and_are_served(host, edited_pages: Path):
    # Last: leaves the edited pages served.
    image_before, site_before = image_id(host), container_id(host)
    result = run_role({"static_site_pages_src": str(edited_pages)})
    assert result.rc == 0, result.output
    rebuilt = image_id(host)
    assert rebuilt != image_before
    assert container_id(host) != site_before
    # static_site_pages_dir is empty again: the mount is gone, the baked pages are served.
    assert inspect(host, SITE)["HostConfig"]["Binds"] in (None, [])
    assert page(host, "file2.html") == "<h1>Page 2, edited on the controller</h1>\n"
    assert page(host, "file1.html") == (SAMPLES / "file1.html").read_text()
    assert get(host, "/file3.html")[0] == 404  # removed on the controller: gone from the image
    served = host.check_output("curl -sS http://127.0.0.1:8080/img/dot.gif | sha256sum | cut -d' ' -f1")
    assert served == hashlib.sha256(GIF).hexdigest()  # byte for byte
    assert _listing(host) == ["file1.html", "file2.html", "img/"]

    # Nothing changed since: nothing rebuilt, nothing re-created.
    site = container_id(host)
    again = run_role({"static_site_pages_src": str(edited_pages)})
    assert again.rc == 0, again.output
    assert again.changed() == 0, again.output
    assert again.statuses("Read the site's container and image") == ["ok"]
    assert again.statuses("Start or create the site again") == ["skipping"], again.output[-3000:]
    assert again.statuses("Run the site (running as asked)") == [], again.output[-3000:]
    assert image_id(host) == rebuilt
    assert container_id(host) == site
