"""Issue #15's "Must show" rows for `make bench`, each with its figure, verdict and measured reason."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from dockyard_bench.runner import PER_TASK_TASKS, Measurement
from dockyard_bench.stats import Target

WARM_SSH_LIMIT = 10.0  # s, the whole site re-run on 1 host, stock Ansible over SSH
WARM_MITOGEN_LIMIT = 6.0  # s, the same with Mitogen
COLD_FLOOR_LIMIT = 1.5  # cold converge / shell floor
FANOUT_HOSTS = 6
FANOUT_LIMIT = 2.5  # warm re-run on FANOUT_HOSTS hosts / 1 host
SHORT = {"docker_api": "Docker API", "docker_cli": "Docker CLI", "ssh": "SSH", "mitogen": "Mitogen"}


@dataclass
class Inputs:
    """What the targets are computed from (Measurements with no samples: not measured)."""

    per_task: Mapping[str, Measurement]  # transport -> seconds per trivial task
    warm: Mapping[str, Measurement]  # transport -> warm re-run, 1 host
    fanout: Mapping[int, Measurement]  # hosts -> warm re-run over SSH
    cold: Measurement
    floor: Measurement
    cores: int
    start: Measurement | None = None  # ansible-playbook's own start (--syntax-check)
    per_task_fan: Measurement | None = None  # trivial tasks over SSH on several hosts at once


def _median(m: Measurement | None, attr: str = "seconds") -> float | None:
    if m is None or not m.samples:
        return None
    return float(statistics.median(float(getattr(s, attr)) for s in m.samples))


def _round_trips(tasks: float | None, per_task: float | None, transport: str, skipped: float | None = None) -> str:
    if tasks is None:
        return ""
    text = f"{tasks:.0f} tasks ran (PLAY RECAP ok=)"
    if skipped:
        text += f" and {skipped:.0f} were skipped (no round trip, but work on this machine)"
    if per_task is not None:
        # ok= also counts tasks that stay on this machine (set_fact, assert): an upper bound.
        text += f"; at {per_task:.3f} s per task over {SHORT[transport]} (1) that is ≤ {tasks * per_task:.1f} s " \
                "of round trips"
    return text


def _cpu_pair(ansible: float | None, floor: float | None) -> str:
    if not ansible or not floor:
        return ""
    return f"the machine was busy {ansible:.0f} CPU-s during the converge, {floor:.0f} during the floor"


def _steal(seconds: float | None, during: str = "") -> str:
    """Time the hypervisor ran other guests while this machine had work: none of the figures' work."""
    if not seconds:
        return ""
    return f"the hypervisor gave {seconds:.0f} CPU-s to other guests{during} (steal), time this work waited"


def per_task_row(inputs: Inputs) -> Target:
    parts = [f"{SHORT[t]} {m:.3f} s" for t in SHORT if (m := _median(inputs.per_task.get(t))) is not None]
    missing = [SHORT[t] for t in SHORT if _median(inputs.per_task.get(t)) is None]
    reason = "median seconds per `ping` task with become, 40 in a row on an open connection; table below"
    if missing:
        reason += f"; not measured: {', '.join(missing)}"
    return Target("(1) per-task cost for each transport (40 trivial tasks, 1 host)", None, "s", None,
                  reason, figure=", ".join(parts))


def warm_row(inputs: Inputs, transport: str, limit: float, name: str) -> Target:
    m = inputs.warm.get(transport)
    median = _median(m)
    if m is None or median is None:
        return Target(name, limit, "s", None)
    changed = [s.changed for s in m.samples if s.changed]
    broken = f"changed={max(changed)} in {len(changed)} of {len(m.samples)} run(s)" if changed else ""
    cpu = _median(m, "cpu")
    start = _median(inputs.start)
    parts = [f"over by {median - limit:.1f} s" if median > limit else f"{limit - median:.1f} s to spare",
             f"{start:.1f} s of it is ansible-playbook's own start (reading the inventory, playbooks, roles and "
             "collection: --syntax-check)" if start else "",
             _round_trips(_median(m, "tasks"), _median(inputs.per_task.get(transport)), transport,
                          _median(m, "skipped")),
             f"the machine was busy {cpu:.0f} CPU-s ({cpu / median:.2f} cores)" if cpu else "",
             _steal(_median(m, "steal"))]
    if not broken:
        parts.append("changed=0 in every run")
    return Target(name, limit, "s", median, "; ".join(p for p in parts if p), broken)


def cold_row(inputs: Inputs) -> Target:
    name = f"(4) cold converge of the whole site within {COLD_FLOOR_LIMIT}x the shell floor (bench/floor.sh)"
    cold, floor = _median(inputs.cold), _median(inputs.floor)
    if cold is None or floor is None:
        return Target(name, COLD_FLOOR_LIMIT, "x", None)
    changed = _median(inputs.cold, "changed")
    parts = [f"Ansible {cold:.1f} s, floor {floor:.1f} s: +{cold - floor:.1f} s, "
             f"{COLD_FLOOR_LIMIT}x allows +{(COLD_FLOOR_LIMIT - 1) * floor:.1f} s",
             _round_trips(_median(inputs.cold, "tasks"), _median(inputs.per_task.get("ssh")), "ssh"),
             f"{changed:.0f} of them changed something" if changed is not None else "",
             _cpu_pair(_median(inputs.cold, "cpu"), _median(inputs.floor, "cpu")),
             _steal(_median(inputs.cold, "steal"), " during the converge")]
    return Target(name, COLD_FLOOR_LIMIT, "x", cold / floor,
                  "; ".join(p for p in parts if p))


def fanout_row(inputs: Inputs) -> Target:
    name = f"(5) warm re-run on {FANOUT_HOSTS} hosts within {FANOUT_LIMIT}x one host (SSH)"
    one, many = inputs.fanout.get(1), inputs.fanout.get(FANOUT_HOSTS)
    w1, wn = _median(one), _median(many)
    if w1 is None or wn is None:
        return Target(name, FANOUT_LIMIT, "x", None,
                      "" if many is not None else f"--fanout has no {FANOUT_HOSTS}")
    c1, cn = _median(one, "cpu"), _median(many, "cpu")
    reason = f"1 host {w1:.1f} s, {FANOUT_HOSTS} hosts {wn:.1f} s"
    if c1 and cn:
        # Every process of this machine (controller and hosts alike): the CPU work alone
        # bounds how fast the run can go on this many cores.
        reason += (f"; the machine was busy {c1:.0f} CPU-s for 1 host ({c1 / w1:.2f} cores), {cn:.0f} CPU-s for "
                   f"{FANOUT_HOSTS} ({cn / c1:.1f}x the work): on {inputs.cores} cores that work alone takes "
                   f"≥ {cn / inputs.cores:.1f} s = {cn / inputs.cores / w1:.2f}x one host")
    parts = [reason, _trivial_fanout(inputs), _steal(_median(many, "steal"), f" during the {FANOUT_HOSTS}-host runs")]
    return Target(name, FANOUT_LIMIT, "x", wn / w1, "; ".join(p for p in parts if p))


def _trivial_fanout(inputs: Inputs) -> str:
    """Ansible's own fan-out on this machine: the per-task cost of `ping` on FANOUT_HOSTS hosts at
    once against one host, tasks that do no work on the hosts and none of the roles' work."""
    fan = inputs.per_task_fan
    one, many = _median(inputs.per_task.get("ssh")), _median(fan)
    if fan is None or fan.hosts != FANOUT_HOSTS or one is None or many is None:
        return ""
    return (f"for reference, a task that does nothing (`ping`, {PER_TASK_TASKS} in a row) took {many:.3f} s on "
            f"{FANOUT_HOSTS} hosts at once against {one:.3f} s on 1 host ({many / one:.2f}x)")


def issue_rows(inputs: Inputs) -> list[Target]:
    """The five rows of issue #15's `make bench`, in its order."""
    return [
        per_task_row(inputs),
        warm_row(inputs, "ssh", WARM_SSH_LIMIT,
                 f"(2) warm re-run of the whole site, 1 host, stock Ansible over SSH: ≤ {WARM_SSH_LIMIT:.0f} s, "
                 "changed=0"),
        warm_row(inputs, "mitogen", WARM_MITOGEN_LIMIT,
                 f"(3) the same with Mitogen: ≤ {WARM_MITOGEN_LIMIT:.0f} s, changed=0"),
        cold_row(inputs),
        fanout_row(inputs),
    ]
