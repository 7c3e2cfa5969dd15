"""Every filter plugin is documented for ansible-doc, from its own docstring (dockyard_filterdocs)."""

from __future__ import annotations

import dockyard_filterdocs as docs
import pytest


def test_every_filter_has_its_current_documentation() -> None:
    assert docs.main(["--check"]) == 0, "run: python -m dockyard_filterdocs"


def test_every_filter_has_a_docstring() -> None:
    missing = [name for name, function in docs.filters().items() if not (function.__doc__ or "").strip()]
    assert missing == []


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [("dict[str, Any]", "dict"), ("Mapping[str, Any]", "dict"), ("list[str] | None", "list"), ("str | None", "str"),
     ("int", "int"), ("bool", "bool"), ("Any", "raw"), ("Iterable[Mapping[str, Any]]", "list")],
)
def test_ansible_types(annotation: str, expected: str) -> None:
    assert docs.ansible_type(annotation) == expected


def test_a_document_names_its_options() -> None:
    doc = docs.document("docker_daemon_apply", docs.filters()["docker_daemon_apply"])["DOCUMENTATION"]
    assert doc["positional"] == "_input, unit_active, dropins_changed, file_removed"
    assert doc["options"]["_input"] == {
        "description": "The value before the filter's name (changed_keys).", "type": "list", "required": True,
    }
