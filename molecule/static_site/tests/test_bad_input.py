"""Bad input fails in validation, before anything changes, with a message naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_samples, run_role

from dockyard_testing import PlayResult, run_many

PORT = "must be a port number from 1 to 65535, got"
NAME = "is not a safe page name (letters, digits, . _ -, each part starting with a letter or digit)"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Page folders on the controller: an empty one, one with a link out of it, one with a hidden file."""
    root = tmp_path_factory.mktemp("static_site_bad")
    (root / "empty").mkdir()
    (root / "secret.txt").write_text("not a page\n")
    escape = copy_samples(root / "escape")
    (escape / "file2.html").unlink()
    (escape / "file2.html").symlink_to("../secret.txt")
    hidden = copy_samples(root / "hidden")
    (hidden / ".htaccess").write_text("Deny from all\n")
    return {"root": root, "empty": root / "empty", "escape": escape, "hidden": hidden}


def _cases(f: dict[str, Path]) -> list[tuple[dict[str, object], str]]:
    # Each message is the one plugins/filter/static_site.py writes (argument_specs' for the
    # restart policy), as the play prints it: the variable to fix first.
    return [
        (
            {"static_site_pages_src": str(f["root"] / "missing")},
            f"static_site_pages_src: {f['root'] / 'missing'} is not a folder on the controller",
        ),
        (
            {"static_site_pages_src": str(f["empty"])},
            f"static_site_pages_src: {f['empty']} has no pages (the folder is empty)",
        ),
        (
            {"static_site_pages_src": str(f["escape"])},
            f'static_site_pages_src: "file2.html" in {f["escape"]} links to "../secret.txt",'
            " which is not a file inside the folder",
        ),
        ({"static_site_pages_src": str(f["hidden"])}, f'static_site_pages_src: ".htaccess" in {f["hidden"]} {NAME}'),
        (
            {"static_site_pages_src": "pages"},
            "static_site_pages_src must be an absolute path to a folder on the controller",
        ),
        ({"static_site_host_port": 70000}, f"static_site_host_port {PORT} 70000"),
        ({"static_site_port": 0}, f"static_site_port {PORT} 0"),
        (
            {"static_site_image_tag": "v1/beta"},
            'static_site_image_tag "v1/beta" is not an image tag (letters, digits, _ . -, at most 128)',
        ),
        (
            {"static_site_image_name": "WS"},
            'static_site_image_name "WS" is not an image name ([registry/]lower-case/path, without a tag)',
        ),
        (
            {"static_site_pages_dir": "srv/pages"},
            'static_site_pages_dir must be an absolute path on the host (without : or ,), or empty, got "srv/pages"',
        ),
        (
            {"static_site_pages_dir": "/srv/no-such-pages"},
            "static_site_pages_dir /srv/no-such-pages does not exist on the host: create it and put the pages there",
        ),
        (
            {"static_site_restart_policy": "sometimes"},
            "value of static_site_restart_policy must be one of: no, on-failure, always, unless-stopped,"
            " got: sometimes",
        ),
    ]


def _snapshot(host) -> str:  # type: ignore[no-untyped-def]
    return host.check_output(
        "docker ps -aq --no-trunc"
        " | xargs -r docker inspect --format '{{.Name}} {{.Id}} {{.Image}} {{.State.StartedAt}}';"
        " docker images -q --no-trunc; sha256sum /opt/static_site/Dockerfile /opt/static_site/pages/*"
    )


def test_bad_input_fails_before_any_change(host, folders):
    cases = _cases(folders)
    before = _snapshot(host)
    # Read-only failures: four at a time.
    results: list[PlayResult] = run_many(
        lambda extra: run_role(extra, result_format="json"), [extra for extra, _ in cases], workers=4
    )
    for (extra, named), result in zip(cases, results, strict=True):
        assert result.rc != 0, (extra, result.output)
        assert named in result.output, (extra, result.output)
        assert "changed=0" in result.output, (extra, result.output)
    assert _snapshot(host) == before
