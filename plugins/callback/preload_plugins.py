"""Callback plugin: load once, in ansible-playbook's main process, the plugins every task loads again.

ansible-core runs each task of each host in a worker process forked from the main process. A
fork keeps what the main process had loaded and nothing a previous worker loaded, so every
worker loads again the plugins its task needs: the connection, become and shell plugins (with
their configuration, parsed from their documentation), the action plugin, the Jinja filters
and tests its templates name and, to find one `dockyard.lab.<name>` filter, every filter file of
the collection with the module_utils they import (compiled from source: the collection loader
keeps no bytecode). Loaded here, before the first play, they are in every worker for free.

Nothing else changes: the same plugins, from the same paths, with the same configuration; a run
without this callback loads them all the same, once per task. Enabled in the project's
ansible.cfg and Molecule's base configuration; measured in docs/bench/README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ansible import constants as C  # type: ignore[import-untyped]
from ansible.plugins.callback import CallbackBase  # type: ignore[import-untyped]
from ansible.plugins.loader import (  # type: ignore[import-untyped]
    action_loader,
    become_loader,
    connection_loader,
    filter_loader,
    lookup_loader,
    shell_loader,
    test_loader,
)

DOCUMENTATION = """
name: preload_plugins
author: dockyard maintainers
version_added: 0.2.0
type: aggregate
short_description: Load the plugins every task needs once, before the first play
description:
  - ansible-core runs each task in a worker process forked from C(ansible-playbook)'s main
    process, and each worker loads again every plugin its task needs that the main process has
    not loaded. To find one C(dockyard.lab) filter, a worker loads every filter file of the
    collection.
  - When the playbook starts, this callback loads in the main process ansible-core's action,
    filter, test and lookup plugins, the configured connection and become plugins (C(ssh) and
    C(sudo) unless configured otherwise), the C(sh) shell, and this collection's filters and
    lookup, so that every worker inherits them instead of loading them again.
  - It changes no result and prints nothing. A plugin that fails to load here is left to the
    task that needs it, which reports the error as it would without this callback (the failure
    is shown with C(-vvv)).
  - Enable it in C(ansible.cfg) with C(callbacks_enabled = dockyard.lab.preload_plugins).
requirements:
  - enabled in C(callbacks_enabled)
"""

# One filter of this collection: ansible-core finds a collection filter by loading every filter
# file of the collection, so asking for this one loads them all.
COLLECTION_FILTER = "dockyard.lab.docker_state"
COLLECTION_LOOKUPS = ("dockyard.lab.folder_files",)


def preload() -> list[tuple[str, Exception]]:
    """Load the plugins; return (what, error) for each load that failed (nothing is raised)."""
    loads: list[tuple[str, Callable[[], Any]]] = [
        ("action plugins", lambda: list(action_loader.all(class_only=True))),
        # Tasks name actions by FQCN: resolving one imports the ansible.builtin package chain.
        ("ansible.builtin.normal", lambda: action_loader.get("ansible.builtin.normal", class_only=True)),
        ("lookup plugins", lambda: list(lookup_loader.all(class_only=True))),
        ("filter plugins", lambda: list(filter_loader.all())),
        ("test plugins", lambda: list(test_loader.all())),
        (f"connection {C.DEFAULT_TRANSPORT}", lambda: connection_loader.get(C.DEFAULT_TRANSPORT, class_only=True)),
        (f"become {C.DEFAULT_BECOME_METHOD}", lambda: become_loader.get(C.DEFAULT_BECOME_METHOD, class_only=True)),
        ("shell sh", lambda: shell_loader.get("sh", class_only=True)),
        (COLLECTION_FILTER, lambda: filter_loader.get(COLLECTION_FILTER)),
    ]
    loads += [(name, partial(lookup_loader.get, name, class_only=True)) for name in COLLECTION_LOOKUPS]
    failed: list[tuple[str, Exception]] = []
    for what, load in loads:
        try:
            load()
        except Exception as error:  # the task that needs the plugin reports it
            failed.append((what, error))
    return failed


class CallbackModule(CallbackBase):  # type: ignore[misc]
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "dockyard.lab.preload_plugins"
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_start(self, playbook: Any) -> None:
        for what, error in preload():
            self._display.vvv(f"dockyard.lab.preload_plugins: {what} not loaded ahead: {error}")
