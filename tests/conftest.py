"""Make the project's Python importable without installing it.

- tools/: the helpers (dockyard_kit, dockyard_bench, dockyard_testing);
- .collections/: the checkout as the collection `ansible_collections.dockyard.lab` (linked by
  `make venv`), so the filter plugins import their shared rules exactly as Ansible loads them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT / "tools", ROOT / ".collections"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
