"""Documentation of the collection's filter plugins, written from their Python source.

`ansible-doc -t filter dockyard.lab.<name>` reads a YAML file next to the plugin,
plugins/filter/<name>.yml. This module writes one per filter from the function's signature
and docstring, so the code stays the one source: `python -m dockyard_filterdocs` rewrites
them, `python -m dockyard_filterdocs --check` (run by the unit tests) fails when one is
missing or stale.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
FILTERS = REPO / "plugins" / "filter"
VERSION_ADDED = "0.2.0"
HEADER = "# Written by `python -m dockyard_filterdocs` from the plugin's docstring: do not edit.\n"


def ansible_type(annotation: str) -> str:
    """'dict[str, Any]' -> 'dict', 'list[str] | None' -> 'list', 'Any' -> 'raw'."""
    first = re.split(r"[\[| ]", annotation.strip(), maxsplit=1)[0].rsplit(".", 1)[-1]
    mapping = {"dict": "dict", "Mapping": "dict", "list": "list", "Sequence": "list", "Iterable": "list",
               "tuple": "list", "str": "str", "int": "int", "bool": "bool", "float": "float"}
    return mapping.get(first, "raw")


def filters() -> dict[str, Callable[..., Any]]:
    """Every filter of plugins/filter/*.py, by name, imported as Ansible imports them."""
    collections = str(REPO / ".collections")
    if collections not in sys.path:
        sys.path.insert(0, collections)
    found: dict[str, Callable[..., Any]] = {}
    for path in sorted(FILTERS.glob("*.py")):
        module = importlib.import_module(f"ansible_collections.dockyard.lab.plugins.filter.{path.stem}")
        found.update(module.FilterModule().filters())
    return found


def document(name: str, function: Callable[..., Any]) -> dict[str, Any]:
    doc = inspect.getdoc(function) or f"The {name} filter."
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    params = list(inspect.signature(function).parameters.values())
    options: dict[str, Any] = {}
    for i, param in enumerate(params):
        key = "_input" if i == 0 else param.name
        option: dict[str, Any] = {
            "description": f"The value before the filter's name ({param.name})."
            if i == 0
            else f"The argument {param.name} (see the description).",
            "type": ansible_type(str(param.annotation)) if param.annotation is not inspect.Parameter.empty else "raw",
        }
        if param.default is inspect.Parameter.empty:
            option["required"] = True
        else:
            option["default"] = param.default
        options[key] = option
    positional = ", ".join(["_input"] + [p.name for p in params[1:]])
    arguments = f"({', '.join(p.name for p in params[1:])})" if len(params) > 1 else ""
    returns = inspect.signature(function).return_annotation
    return {
        "DOCUMENTATION": {
            "name": name,
            "author": "dockyard maintainers",
            "version_added": VERSION_ADDED,
            "short_description": paragraphs[0].split(". ")[0].rstrip(".")[:160],
            "description": paragraphs,
            "positional": positional,
            "options": options,
        },
        "EXAMPLES": f"result: \"{{{{ {params[0].name if params else 'value'} | dockyard.lab.{name}{arguments} }}}}\"\n",
        "RETURN": {"_value": {"description": paragraphs[0], "type": ansible_type(str(returns))}},
    }


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as yamllint (and this repository) writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def render(name: str, function: Callable[..., Any]) -> str:
    return "---\n" + HEADER + yaml.dump(document(name, function), Dumper=_Dumper, sort_keys=False, width=100)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    wanted = {f"{name}.yml": render(name, function) for name, function in filters().items()}
    stale = [n for n, text in wanted.items() if not (FILTERS / n).is_file() or (FILTERS / n).read_text() != text]
    orphans = [p.name for p in FILTERS.glob("*.yml") if p.name not in wanted]
    if check:
        for n in stale:
            print(f"plugins/filter/{n} is missing or stale: run python -m dockyard_filterdocs")
        for n in orphans:
            print(f"plugins/filter/{n} documents no filter: remove it")
        return 1 if stale or orphans else 0
    for n in stale:
        (FILTERS / n).write_text(wanted[n])
    for n in orphans:
        (FILTERS / n).unlink()
    print(f"{len(wanted)} filters documented ({len(stale)} written, {len(orphans)} removed)")
    return 0
