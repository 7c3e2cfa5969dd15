#!/usr/bin/python
"""dockyard.lab.build_context: write an image's build context to a host in one round trip."""

from __future__ import annotations

DOCUMENTATION = r"""
module: build_context
short_description: Write an image's build context (files packed on the controller) in one round trip
version_added: 0.2.0
description:
  - "Writes the files of an image's build context into a folder on the host, from one archive
    the controller packed (the C(dockyard.lab.build_context_archive) filter: rendered templates
    and plain files, each with its path and mode). A template or copy task costs two or three
    round trips per file; this costs one for the whole context."
  - "Writes only the files whose content or mode differs (each atomically: a temporary file in
    its folder, renamed over the old one), creates the folders they need with mode 0755, and
    reports C(changed) only then. Leaves every other file of the folder alone, except under the
    C(purge) sub-folders."
  - Supports check mode (reports what it would write, writes nothing).
options:
  dest:
    description: The build context's folder on the host (created with mode 0755 when missing).
    type: path
    required: true
  archive:
    description:
      - The files, as the C(dockyard.lab.build_context_archive) filter packs them (a gzip'd tar,
        base64; only regular files with relative paths). At most 32 MiB of text.
      - Not logged (a template may render a secret).
    type: str
    required: true
  folders:
    description: Sub-folders of I(dest) to create even when no file of the context is in them.
    type: list
    elements: str
    default: []
  purge:
    description:
      - Sub-folders of I(dest) that hold exactly the context's files under them afterwards
        (files and folders the context does not list are removed), so that a file removed on
        the controller leaves the next image too.
    type: list
    elements: str
    default: []
author: dockyard maintainers
"""

EXAMPLES = r"""
- name: Write the build context
  dockyard.lab.build_context:
    dest: /opt/static_site
    purge: [pages]
    archive: >-
      {{ [lookup('ansible.builtin.template', 'Dockerfile.j2')]
         | dockyard.lab.build_context_archive([{'dest': 'Dockerfile', 'mode': '0644'}],
           query('dockyard.lab.folder_files', playbook_dir ~ '/pages', content=true), 'pages') }}
  register: __context
  # __context.created: the folder was missing (in check mode nothing could be built from it)
"""

RETURN = r"""
created:
  description: Whether I(dest) was missing before this run.
  returned: always
  type: bool
written:
  description: Paths (relative to I(dest)) whose content was written.
  returned: always
  type: list
  elements: str
modes:
  description: Paths whose mode only was set.
  returned: always
  type: list
  elements: str
removed:
  description: Absolute paths removed under the I(purge) sub-folders.
  returned: always
  type: list
  elements: str
"""

import os  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.dockyard.lab.plugins.module_utils.context_archive import (  # noqa: E402
    ContextError,
    apply,
    plan,
    unpack,
)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": True},
            "archive": {"type": "str", "required": True, "no_log": True},
            "folders": {"type": "list", "elements": "str", "default": []},
            "purge": {"type": "list", "elements": "str", "default": []},
        },
        supports_check_mode=True,
    )
    dest = module.params["dest"]
    created = not os.path.isdir(dest)
    try:
        todo = plan(dest, unpack(module.params["archive"]), module.params["folders"], module.params["purge"])
        if todo.changed and not module.check_mode:
            apply(dest, todo)
    except (ContextError, OSError) as error:
        module.fail_json(msg=f"build context {dest}: {error}", created=created)
    module.exit_json(
        changed=todo.changed,
        created=created,
        written=[m.path for m in todo.writes],
        modes=[m.path for m in todo.modes],
        removed=todo.removes,
    )


if __name__ == "__main__":
    main()
