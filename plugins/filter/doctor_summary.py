"""Filters behind playbooks/doctor.yml: the docker_doctor results of every host as one table.

- doctor_rows: the checks of every host as rows {host, name, status, message, fix}; a host that
  did not answer (unreachable, or the module failed) is one FAIL row.
- doctor_table: the rows as a fixed-width text table, worst first per host.
- doctor_failed: 'host: check' for each FAIL row (the playbook fails when there is any).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# module_utils.doctor (the docker_doctor module's checks) is imported in the functions, not here:
# Ansible loads every filter file of the collection in each task's worker process to find one
# filter, and only playbooks/doctor.yml uses these (tests/unit/test_filter_imports.py).

COLUMNS = ("host", "name", "status", "detail")
HEADERS = ("HOST", "CHECK", "STATUS", "WHAT / FIX")


def doctor_rows(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """Rows {host, name, status, message, fix} from {host: the host's registered docker_doctor result}.

    A result without checks (unreachable, failed, or missing) gives one FAIL row named `connect`.
    """
    from ansible_collections.dockyard.lab.plugins.module_utils.doctor import FAIL

    rows: list[dict[str, str]] = []
    for host, result in results.items():
        result = result if isinstance(result, Mapping) else {}
        checks = result.get("checks")
        if not isinstance(checks, list) or result.get("unreachable") or result.get("failed"):
            why = "unreachable" if result.get("unreachable") else "the doctor did not run"
            rows.append({"host": str(host), "name": "connect", "status": FAIL,
                         "message": f"{why}: {str(result.get('msg') or 'no result').strip()[:300]}",
                         "fix": "check that the host is up and reachable (ansible HOST -m ansible.builtin.ping)"})
            continue
        rows.extend({"host": str(host), **{k: str(c.get(k, "")) for k in ("name", "status", "message", "fix")}}
                    for c in checks if isinstance(c, Mapping))
    return rows


def doctor_table(rows: Sequence[Mapping[str, str]]) -> str:
    """The rows as a text table (host, check, status, what was found and, for WARN and FAIL, the fix)."""
    from ansible_collections.dockyard.lab.plugins.module_utils.doctor import STATUSES

    lines = [HEADERS]
    for row in rows:
        detail = row.get("message", "")
        if row.get("fix"):
            detail = f"{detail} => FIX: {row['fix']}"
        lines.append((row.get("host", ""), row.get("name", ""), row.get("status", ""), detail))
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    text = [" | ".join([*(c.ljust(widths[i]) for i, c in enumerate(line[:3])), line[3]]).rstrip() for line in lines]
    text.insert(1, "-+-".join(["-" * w for w in widths] + ["-" * 10]))
    counts = {s: sum(1 for r in rows if r.get("status") == s) for s in STATUSES}
    text.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(text)


def doctor_failed(rows: Sequence[Mapping[str, str]]) -> list[str]:
    """'host: check' for each FAIL row."""
    from ansible_collections.dockyard.lab.plugins.module_utils.doctor import FAIL

    return [f"{r.get('host')}: {r.get('name')}" for r in rows if r.get("status") == FAIL]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"doctor_rows": doctor_rows, "doctor_table": doctor_table, "doctor_failed": doctor_failed}
