"""The build context checksum of dockyard.lab._common (plugins/filter/image_context.py).

An image is rebuilt when its label changes, so for a context without copied files the checksum
must stay what roles/_common/tasks/build_image.yml computed in Jinja before copies existed
(OLD_JINJA below, verbatim): demo_app and mongo images built by earlier releases keep their
label and are not rebuilt. Checked three ways: against goldens computed with that Jinja,
against the Jinja itself evaluated by Ansible's templar, and by evaluating the task file's own
expressions (as it is now) with the same inputs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.dockyard.lab.plugins.filter.image_context import FilterModule, build_context_checksum

ROOT = Path(__file__).resolve().parents[2]
BUILD_IMAGE = ROOT / "roles" / "_common" / "tasks" / "build_image.yml"

# The checksum expression of build_image.yml before copied files existed (commit 58ef517).
OLD_JINJA = """{{ (__common_build_image_rendered if _common_build_checksum_of == 'content' else _common_build_files
    | map(attribute='dest') | zip(_common_build_files | map(attribute='mode'), __common_build_image_rendered))
   | to_json | hash('sha256') }}"""

# Shaped like demo_app's context (content) and mongo's (dest_mode_content), with what JSON escapes.
FILES = [
    {"src": "Dockerfile.j2", "dest": "Dockerfile", "mode": "0644"},
    {"src": "seed.js.j2", "dest": "initdb/50-dockyard-seed.js", "mode": "0755"},
]
RENDERED = ["#\n# Ansible managed\n#\nFROM python:3.11-slim\n", 'db.artists.insertOne({name: "Björk"});\n']
GOLDEN = {
    "content": "40d4d4b80bf1ef08f76f751dec3d324eb851f846c60b82d4f5f7299d2d72949e",
    "dest_mode_content": "f787f0b7987a7e1a2210af77ac9c647ac25346714445f8a539322909fd76d01d",
}
CASES: list[tuple[list[str], list[dict[str, str]], str]] = [
    (RENDERED, FILES, "content"),
    (RENDERED, FILES, "dest_mode_content"),
    (["only one\r\n\ttab </script> \\ \u2603 \U0001f600"], FILES[:1], "content"),
    (["only one\r\n\ttab </script> \\ \u2603 \U0001f600"], FILES[:1], "dest_mode_content"),
    ([], [], "content"),
    (["a", "", "{{ not templated }}"], [*FILES, {"src": "x.j2", "dest": "x y/z", "mode": "600"}], "dest_mode_content"),
]
COPIES = [
    {"path": "file1.html", "kind": "file", "sha256": "a" * 64},
    {"path": "sub/f.css", "kind": "file", "sha256": "b" * 64},
]

# Run in a child process: Ansible's collection finder can be installed once per process, and
# the task file's expressions need it to find dockyard.lab's filter and lookup.
_TEMPLAR = """
import json, sys
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
results = []
for expression, variables in json.load(sys.stdin):
    trusted = {k: trust_as_template(v) if k.startswith("__common_build_image_") and isinstance(v, str) and "{{" in v
               else v for k, v in variables.items()}
    results.append(Templar(loader=DataLoader(), variables=trusted).template(trust_as_template(expression)))
print(json.dumps(results))
"""


def _templar(jobs: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Each (expression, variables) evaluated by Ansible's templar, with dockyard.lab's plugins."""
    proc = subprocess.run(
        [sys.executable, "-c", _TEMPLAR, str(ROOT / ".collections")],
        input=json.dumps(jobs), capture_output=True, text=True, check=True,
    )
    return list(json.loads(proc.stdout))


def _inputs(rendered: list[str], files: list[dict[str, str]], checksum_of: str) -> dict[str, Any]:
    return {
        "__common_build_image_rendered": rendered,
        "_common_build_files": files,
        "_common_build_checksum_of": checksum_of,
    }


def _checksum_vars() -> dict[str, str]:
    """The copies and checksum `vars:` of build_image.yml's comparison task, as written now."""
    task = next(task for task in yaml.safe_load(BUILD_IMAGE.read_text())
                if "__common_build_image_checksum_now" in task.get("vars", {}))
    wanted = ("__common_build_image_copies", "__common_build_image_checksum_now")
    return {k: v for k, v in task["vars"].items() if k in wanted}


@pytest.mark.parametrize("checksum_of", sorted(GOLDEN))
def test_without_copies_the_label_is_the_one_earlier_releases_wrote(checksum_of: str) -> None:
    assert build_context_checksum(RENDERED, FILES, checksum_of) == GOLDEN[checksum_of]
    assert build_context_checksum(RENDERED, FILES, checksum_of, [], "pages") == GOLDEN[checksum_of]


def test_without_copies_filter_and_task_file_equal_the_old_jinja() -> None:
    new_vars = _checksum_vars()
    jobs: list[tuple[str, dict[str, Any]]] = []
    for case in CASES:
        jobs.append((OLD_JINJA, _inputs(*case)))
        jobs.append((
            "{{ __common_build_image_checksum_now }}",
            {**new_vars, **_inputs(*case), "_common_build_copy_src": "", "_common_build_copy_dest": ""},
        ))
    results = _templar(jobs)
    old, from_task_file = results[0::2], results[1::2]
    assert old[:2] == [GOLDEN["content"], GOLDEN["dest_mode_content"]]
    assert from_task_file == old
    assert [build_context_checksum(*case) for case in CASES] == old


def test_task_file_counts_the_copied_files(tmp_path: Path) -> None:
    (tmp_path / "file1.html").write_bytes(b"<p>one</p>\n")
    new_vars = _checksum_vars()
    variables = {**new_vars, **_inputs(RENDERED, FILES, "dest_mode_content"),
                 "_common_build_copy_src": str(tmp_path), "_common_build_copy_dest": "pages"}
    copies, checksum = _templar([("{{ __common_build_image_copies }}", variables),
                                 ("{{ __common_build_image_checksum_now }}", variables)])
    assert [c["path"] for c in copies] == ["file1.html"]
    assert checksum == build_context_checksum(RENDERED, FILES, "dest_mode_content", copies, "pages")
    assert checksum != GOLDEN["dest_mode_content"]


def test_copied_files_change_the_checksum_by_path_digest_and_folder() -> None:
    base = build_context_checksum(RENDERED, FILES, "dest_mode_content", COPIES, "pages")
    assert base != GOLDEN["dest_mode_content"]
    edited = [COPIES[0], {**COPIES[1], "sha256": "c" * 64}]
    renamed = [COPIES[0], {**COPIES[1], "path": "sub/g.css"}]
    fewer = COPIES[:1]
    variants = [
        build_context_checksum(RENDERED, FILES, "dest_mode_content", edited, "pages"),
        build_context_checksum(RENDERED, FILES, "dest_mode_content", renamed, "pages"),
        build_context_checksum(RENDERED, FILES, "dest_mode_content", fewer, "pages"),
        build_context_checksum(RENDERED, FILES, "dest_mode_content", COPIES, "site"),
        build_context_checksum([RENDERED[0], RENDERED[1] + " "], FILES, "dest_mode_content", COPIES, "pages"),
    ]
    assert len({base, *variants}) == 6
    # Only paths and digests count: what the lookup adds for links does not.
    with_extras = [{**c, "kind": "link", "inside": True, "target": "x"} for c in COPIES]
    assert build_context_checksum(RENDERED, FILES, "dest_mode_content", with_extras, "pages") == base


def test_bad_calls_fail_loudly() -> None:
    with pytest.raises(ValueError, match="checksum_of must be one of"):
        build_context_checksum(RENDERED, FILES, "contents")
    with pytest.raises(ValueError, match="2 files but 1 rendered"):
        build_context_checksum(RENDERED[:1], FILES, "content")


def test_filter_is_registered() -> None:
    assert FilterModule().filters()["build_context_checksum"] is build_context_checksum
