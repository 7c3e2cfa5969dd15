"""The static_site role's input checks (plugins/filter/static_site.py), on listings and real folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.dockyard.lab.plugins.filter.static_site import FilterModule, static_site_input_errors
from ansible_collections.dockyard.lab.plugins.lookup.folder_files import folder_files

ROLE = Path(__file__).resolve().parents[2] / "roles" / "static_site"
SAMPLES = ROLE / "files"
PORT = "must be a port number from 1 to 65535, got"
NAME = "is not a safe page name (letters, digits, . _ -, each part starting with a letter or digit)"
PAGES_DIR = "static_site_pages_dir must be an absolute path on the host (without : or ,), or empty, got"
PAGE = {"kind": "file", "sha256": "0" * 64}

# The role's defaults (defaults/main.yml has no templates).
VARIABLES: dict[str, Any] = {
    "static_site_pages_src": "",
    "static_site_pages_dir": "",
    "static_site_build_dir": "/opt/static_site",
    "static_site_base_image": "python:3.11-slim",
    "static_site_image_name": "ws",
    "static_site_image_tag": "latest",
    "static_site_port": 8080,
    "static_site_container_name": "ws",
    "static_site_host_ip": "127.0.0.1",
    "static_site_host_port": 8080,
}
# What validate.yml finds for the defaults: the role's sample pages, no host folder.
FOUND: dict[str, Any] = {
    "pages_src": str(SAMPLES),
    "pages_src_is_dir": True,
    "pages": [{"path": f"file{n}.html", **PAGE} for n in (1, 2, 3)],
    "pages_dir_stat": {},
}
GOOD = {**VARIABLES, **FOUND}


def _with_pages(*paths: str, **entry: Any) -> dict[str, Any]:
    return {**GOOD, "pages": [{"path": p, **PAGE, **entry} for p in paths]}


def test_variables_are_the_role_defaults() -> None:
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    assert {name: defaults[name] for name in VARIABLES} == VARIABLES
    # Every default is checked, except the restart policy (argument_specs' choices).
    assert set(defaults) - set(VARIABLES) == {"static_site_restart_policy"}


def test_validate_yml_passes_every_checked_input() -> None:
    tasks = yaml.safe_load((ROLE / "tasks" / "validate.yml").read_text())
    assert set(tasks[-1]["vars"]["__static_site_inputs"]) == set(GOOD)


def test_the_defaults_and_the_sample_pages_pass() -> None:
    assert static_site_input_errors(GOOD) == []
    assert static_site_input_errors({**GOOD, "pages": folder_files(str(SAMPLES))}) == []
    assert [p["path"] for p in folder_files(str(SAMPLES))] == ["file1.html", "file2.html", "file3.html"]


@pytest.mark.parametrize(
    "change",
    [
        {"static_site_pages_src": "/srv/pages", "pages_src": "/srv/pages"},
        _with_pages("index.html", "css/site.css", "img/logo-1_2.png", "README"),
        {"pages": [{"path": "home.html", "kind": "link", "target": "file1.html", "inside": True, "sha256": "1" * 64}]},
        {"static_site_port": 80, "static_site_host_port": "65535"},  # -e static_site_host_port=65535
        {"static_site_host_ip": "0.0.0.0"},
        {"static_site_base_image": "dockyard/python:3.11-slim", "static_site_image_name": "localhost:5000/lab/ws"},
        {"static_site_image_tag": "v1.0_rc-1"},
        {"static_site_pages_dir": "/srv/lab pages", "pages_dir_stat": {"exists": True, "isdir": True}},
    ],
)
def test_good_edge_values_pass(change: dict[str, Any]) -> None:
    assert static_site_input_errors({**GOOD, **change}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # The pages folder on the controller
        (
            {"static_site_pages_src": "pages", "pages_src": "pages", "pages_src_is_dir": False},
            "static_site_pages_src must be an absolute path to a folder on the controller"
            ' (such as "{{ playbook_dir }}/pages"), or empty for the role\'s sample pages, got "pages"',
        ),
        (
            {"static_site_pages_src": "/srv/a/../b", "pages_src": "/srv/a/../b"},
            "static_site_pages_src must be an absolute path to a folder on the controller",
        ),
        (
            {"static_site_pages_src": "/srv/none", "pages_src": "/srv/none", "pages_src_is_dir": False, "pages": []},
            "static_site_pages_src: /srv/none is not a folder on the controller",
        ),
        ({"pages": []}, f"static_site_pages_src: {SAMPLES} has no pages (the folder is empty)"),
        (
            {"pages": [{"path": "leak.html", "kind": "link", "target": "../../etc/passwd", "inside": False}]},
            f'static_site_pages_src: "leak.html" in {SAMPLES} links to "../../etc/passwd",'
            " which is not a file inside the folder",
        ),
        (_with_pages(".htaccess"), f'static_site_pages_src: ".htaccess" in {SAMPLES} {NAME}'),
        (_with_pages(".git/config"), f'static_site_pages_src: ".git/config" in {SAMPLES} {NAME}'),
        (_with_pages("my page.html"), f'static_site_pages_src: "my page.html" in {SAMPLES} {NAME}'),
        (_with_pages("-rf.html"), f'static_site_pages_src: "-rf.html" in {SAMPLES} {NAME}'),
        (_with_pages("caf\u00e9.html"), f'static_site_pages_src: "caf\\u00e9.html" in {SAMPLES} {NAME}'),
        (_with_pages("a\nb.html"), f'static_site_pages_src: "a\\nb.html" in {SAMPLES} {NAME}'),
        (_with_pages("sub/../x.html"), f'static_site_pages_src: "sub/../x.html" in {SAMPLES} {NAME}'),
        (_with_pages("fifo", kind="other"), f'static_site_pages_src: "fifo" in {SAMPLES} is not a regular file'),
        # Ports and address
        ({"static_site_port": 70000}, f"static_site_port {PORT} 70000"),
        ({"static_site_port": 0}, f"static_site_port {PORT} 0"),
        ({"static_site_host_port": "8080/tcp"}, f'static_site_host_port {PORT} "8080/tcp"'),
        ({"static_site_host_port": None}, f"static_site_host_port {PORT} null"),
        (
            {"static_site_host_ip": "localhost"},
            'static_site_host_ip must be an IPv4 address such as 127.0.0.1 or 0.0.0.0, got "localhost"',
        ),
        # Images and names
        (
            {"static_site_image_name": "WS"},
            'static_site_image_name "WS" is not an image name ([registry/]lower-case/path, without a tag)',
        ),
        ({"static_site_image_name": "ws:latest"}, 'static_site_image_name "ws:latest" is not an image name'),
        (
            {"static_site_image_tag": "v1/beta"},
            'static_site_image_tag "v1/beta" is not an image tag (letters, digits, _ . -, at most 128)',
        ),
        ({"static_site_image_tag": ""}, 'static_site_image_tag "" is not an image tag'),
        (
            {"static_site_base_image": "python 3"},
            'static_site_base_image "python 3" is not an image reference ([registry/]name[:tag][@digest],'
            " lower-case name)",
        ),
        (
            {"static_site_container_name": "/ws"},
            'static_site_container_name must be a Docker object name (a letter or digit, then letters, digits, _ . -),'
            ' got "/ws"',
        ),
        (
            {"static_site_build_dir": "opt/static_site"},
            'static_site_build_dir must be an absolute path other than /, got "opt/static_site"',
        ),
        # The host folder to mount
        ({"static_site_pages_dir": "srv/pages"}, f'{PAGES_DIR} "srv/pages"'),
        ({"static_site_pages_dir": "/srv/pages:/etc"}, f'{PAGES_DIR} "/srv/pages:/etc"'),
        ({"static_site_pages_dir": "/"}, f'{PAGES_DIR} "/"'),
        (
            {"static_site_pages_dir": "/srv/pages", "pages_dir_stat": {"exists": False}},
            "static_site_pages_dir /srv/pages does not exist on the host: create it and put the pages there",
        ),
        (
            {"static_site_pages_dir": "/srv/pages", "pages_dir_stat": {"exists": True, "isdir": False}},
            "static_site_pages_dir /srv/pages is not a folder on the host",
        ),
    ],
)
def test_each_bad_input_is_named(change: dict[str, Any], message: str) -> None:
    errors = static_site_input_errors({**GOOD, **change})
    assert len(errors) == 1, errors
    assert errors[0].startswith(message), errors


def test_every_problem_is_reported_at_once() -> None:
    bad = {"static_site_port": 0, "static_site_image_tag": "a/b", "static_site_pages_dir": "x"}
    bad["pages"] = [{"path": ".x", **PAGE}]
    assert [e.split()[0].rstrip(":") for e in static_site_input_errors({**GOOD, **bad})] == [
        "static_site_pages_src",
        "static_site_port",
        "static_site_image_tag",
        "static_site_pages_dir",
    ]


def test_a_real_folder_with_a_link_out_and_a_hidden_file(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (pages / "file1.html").write_text("one")
    (pages / "file2.html").symlink_to("../secret.txt")
    (pages / ".hidden").write_text("x")
    found = {"static_site_pages_src": str(pages), "pages_src": str(pages), "pages": folder_files(str(pages))}
    assert static_site_input_errors({**GOOD, **found}) == [
        f'static_site_pages_src: ".hidden" in {pages} {NAME}',
        f'static_site_pages_src: "file2.html" in {pages} links to "../secret.txt",'
        " which is not a file inside the folder",
    ]


def test_filter_is_registered() -> None:
    assert FilterModule().filters() == {"static_site_input_errors": static_site_input_errors}
