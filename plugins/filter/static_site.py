"""Filter behind the static_site role's checks (roles/static_site).

- static_site_input_errors: checks the role's inputs, one message per problem, each naming the
  variable first. Besides the role's variables it reads what tasks/validate.yml found: the
  pages folder on the controller (`pages_src`, `pages_src_is_dir` and its listing `pages`, from
  the dockyard.lab.folder_files lookup) and, for a host folder to mount, its stat on the host
  (`pages_dir_stat`). Nothing here touches a file.

The shared rules (ports, addresses, image and Docker names, paths) and their messages come
from plugins/module_utils/checks.py; only what is particular to a folder of pages is here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.dockyard.lab.plugins.module_utils.checks import (
    Problems,
    is_abs_path,
    is_safe_filename,
    show,
)

PAGE_NAME = "letters, digits, . _ -, each part starting with a letter or digit"


def _page_errors(p: Problems, folder: str, pages: Sequence[Mapping[str, Any]]) -> None:
    """What may not be copied into the image: unsafe names, links out of the folder, non-files."""
    for page in pages:
        path = str(page.get("path", ""))
        if not all(is_safe_filename(part, 255) for part in path.split("/")):
            p.add(f"static_site_pages_src: {show(path)} in {folder} is not a safe page name ({PAGE_NAME})")
        elif page.get("kind") == "link" and not page.get("inside"):
            p.add(
                f"static_site_pages_src: {show(path)} in {folder} links to {show(page.get('target'))},"
                " which is not a file inside the folder"
            )
        elif page.get("kind") not in ("file", "link"):
            p.add(f"static_site_pages_src: {show(path)} in {folder} is not a regular file")
    if not pages:
        p.add(f"static_site_pages_src: {folder} has no pages (the folder is empty)")


def _pages_dir_errors(p: Problems, value: Any, stat: Mapping[str, Any]) -> None:
    """The host folder mounted on /data (optional): absolute, usable in a volume, present."""
    if value in ("", None):
        return
    if not p.check(
        is_abs_path(value) and ":" not in str(value) and "," not in str(value),
        f"static_site_pages_dir must be an absolute path on the host (without : or ,), or empty, got {show(value)}",
    ):
        return
    if not stat.get("exists"):
        p.add(f"static_site_pages_dir {value} does not exist on the host: create it and put the pages there")
    elif not stat.get("isdir"):
        p.add(f"static_site_pages_dir {value} is not a folder on the host")


def static_site_input_errors(v: Mapping[str, Any]) -> list[str]:
    """Messages for every bad input in `v` (the role's variables and what validation found); empty when all are good."""
    p = Problems()
    src, folder = v.get("static_site_pages_src"), str(v.get("pages_src") or "")
    if src not in ("", None) and not is_abs_path(src):
        p.add(
            "static_site_pages_src must be an absolute path to a folder on the controller"
            f" (such as \"{{{{ playbook_dir }}}}/pages\"), or empty for the role's sample pages, got {show(src)}"
        )
    elif not v.get("pages_src_is_dir"):
        p.add(f"static_site_pages_src: {folder} is not a folder on the controller")
    else:
        _page_errors(p, folder, v.get("pages") or [])
    p.port("static_site_port", v.get("static_site_port"))
    p.port("static_site_host_port", v.get("static_site_host_port"))
    p.ipv4("static_site_host_ip", v.get("static_site_host_ip"), "127.0.0.1 or 0.0.0.0")
    p.image_name("static_site_image_name", v.get("static_site_image_name"))
    p.image_tag("static_site_image_tag", v.get("static_site_image_tag"))
    p.image_reference("static_site_base_image", v.get("static_site_base_image"))
    p.docker_name("static_site_container_name", v.get("static_site_container_name"))
    p.abs_path("static_site_build_dir", v.get("static_site_build_dir"))
    _pages_dir_errors(p, v.get("static_site_pages_dir"), v.get("pages_dir_stat") or {})
    return p.messages


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"static_site_input_errors": static_site_input_errors}
