"""Command line: python -m dockyard_bench [--quick] [--repeats N] [--fanout 1,3,6] [--out docs/bench]"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import time
from pathlib import Path

from dockyard_bench import BenchError, machine, report
from dockyard_bench.runner import (
    PER_TASK_TASKS,
    REPO,
    TRANSPORTS,
    Measurement,
    Runner,
    Sample,
    host_names,
    mitogen_strategies,
)
from dockyard_bench.stats import parse_fanout, ratio, summarize
from dockyard_bench.targets import FANOUT_HOSTS, Inputs, issue_rows

HEADLINE = "ssh"  # stock Ansible over SSH: the cold converge, the floor's pair and the fan-out
ACCELERATED = "mitogen"


def _say(msg: str) -> None:
    print(msg, flush=True)


def _record(m: Measurement, sample: Sample) -> None:
    m.samples.append(sample)
    unit = " per task" if m.key.startswith("per_task") else ""
    _say(f"    {m.label} [{m.hosts} host(s), {m.profile}] #{len(m.samples)}: {sample.seconds:.3g} s{unit} "
         f"(wall {sample.wall:.1f} s, untimed {sample.untimed:.1f} s, changed={sample.changed}, "
         f"tasks={sample.tasks}, CPU {sample.cpu:.0f} s, load {sample.load_before:.1f}->{sample.load_after:.1f})")


def _rows(ms: list[Measurement]) -> list[dict[str, object]]:
    return [dataclasses.asdict(m) for m in ms if m.samples]


@dataclasses.dataclass
class Plan:
    """Every measurement of one bench run, in report order."""

    cold: Measurement
    floor: Measurement
    warm: dict[int, Measurement]  # stock Ansible over SSH, by host count
    warm_mitogen: Measurement
    cold_fan: dict[int, Measurement]
    setup: Measurement
    per_task: dict[str, Measurement]  # by transport
    # The per-task run over SSH on the fan-out's hosts at once: Ansible's own fan-out on this
    # machine, with tasks that do no work (row (5)'s reference).
    per_task_fan: Measurement
    start: Measurement  # ansible-playbook's own start (--syntax-check), part of every run

    @classmethod
    def make(cls, fanout: list[int], cold_fanout: bool) -> Plan:
        return cls(
            cold=Measurement("cold", "(4) cold converge", 1, HEADLINE),
            floor=Measurement("floor", "(4) shell floor", 1, "bench/floor.sh"),
            warm={n: Measurement(f"warm_{n}", "(2) warm re-run" if n == 1 else "(5) fan-out, warm re-run", n,
                                 HEADLINE) for n in fanout},
            warm_mitogen=Measurement(f"warm_1_{ACCELERATED}", "(3) warm re-run", 1, ACCELERATED),
            cold_fan={n: Measurement(f"cold_{n}", "fan-out, cold converge", n, HEADLINE)
                      for n in fanout if cold_fanout and n > 1},
            setup=Measurement(f"cold_{fanout[-1]}_setup", "fan-out setup: cold converge, all hosts at once",
                              fanout[-1], HEADLINE),
            per_task={t: Measurement(f"per_task_{t}", "(1) per task", 1, t) for t in TRANSPORTS},
            per_task_fan=Measurement(f"per_task_{HEADLINE}_{fanout[-1]}", "(5) reference: per task", fanout[-1],
                                     HEADLINE),
            start=Measurement("start", "ansible-playbook's start (--syntax-check)", 0, "controller"),
        )

    def site_runs(self) -> list[Measurement]:
        setup = [self.setup] if self.setup.hosts > 1 else []
        return [self.cold, self.floor, self.warm[1], self.warm_mitogen,
                *(m for n, m in self.warm.items() if n > 1), *self.cold_fan.values(), *setup, self.start]


def _ratios(plan: Plan) -> list[tuple[str, float]]:
    one = summarize(plan.warm[1].seconds()) if plan.warm[1].samples else None
    cold = summarize(plan.cold.seconds()) if plan.cold.samples else None
    out = []
    if cold and plan.floor.samples:
        out.append(("(4) cold converge / shell floor", ratio(cold, summarize(plan.floor.seconds()))))
    if one:
        out += [(f"(5) warm, {n} hosts / 1 host", ratio(summarize(m.seconds()), one))
                for n, m in plan.warm.items() if n > 1 and m.samples]
        if plan.warm_mitogen.samples:
            out.append(("(3) / (2) warm re-run, Mitogen / stock SSH", ratio(summarize(plan.warm_mitogen.seconds()),
                                                                             one)))
    fan, single = plan.per_task_fan, plan.per_task[HEADLINE]
    if fan.hosts > 1 and fan.samples and single.samples:
        out.append((f"(5) reference: {PER_TASK_TASKS} trivial tasks, per task, {fan.hosts} hosts / 1 host (SSH)",
                    ratio(summarize(fan.seconds()), summarize(single.seconds()))))
    if cold:
        out += [(f"cold, {n} hosts / 1 host", ratio(summarize(m.seconds()), cold))
                for n, m in plan.cold_fan.items() if m.samples]
        if plan.setup.samples and plan.setup.hosts > 1:
            out.append((f"fan-out setup: cold, {plan.setup.hosts} hosts at once (n=1) / (4) cold, 1 host",
                        ratio(summarize(plan.setup.seconds()), cold)))
    return out


def write(args: argparse.Namespace, plan: Plan, info: dict[str, str], partial: str = "") -> bool:
    """Write results.md, results.json and bench.png from what was measured so far.

    Returns False when a warm re-run reported changes (a bug of the roles or of the bench).
    """
    notes = [f"PARTIAL: {partial}"] if partial else []
    warm_runs = [*plan.warm.values(), plan.warm_mitogen]
    changed = [(m.hosts, m.profile, s.changed) for m in warm_runs for s in m.samples if s.changed]
    notes += [f"BUG: a warm re-run ({h} host(s), {p}) reported changed={n}" for h, p, n in changed]
    if not changed and any(m.samples for m in warm_runs):
        notes.append("Every warm re-run reported changed=0 in its PLAY RECAP.")
    targets = issue_rows(Inputs(per_task=plan.per_task, warm={HEADLINE: plan.warm[1], ACCELERATED: plan.warm_mitogen},
                                fanout=plan.warm, cold=plan.cold, floor=plan.floor,
                                cores=int(info["cores"]) if info.get("cores", "").isdigit() else 0, start=plan.start,
                                per_task_fan=plan.per_task_fan))
    rows = _rows(plan.site_runs())
    per_task_rows = _rows([*plan.per_task.values(), plan.per_task_fan])
    ratios = _ratios(plan)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    command = "make bench" + (" BENCH_ARGS=--quick" if args.quick else "")
    text = report.render(machine=info, rows=rows, per_task_rows=per_task_rows, transport_names=TRANSPORTS,
                         per_task_tasks=PER_TASK_TASKS, targets=targets, ratios=ratios, notes=notes,
                         command=f"{command} (python -m {' '.join(['dockyard_bench', *args.argv])})")
    (out / "results.md").write_text(text, encoding="utf-8")
    (out / "results.json").write_text(json.dumps({
        "machine": info, "options": {"repeats": args.repeats, "fanout": args.fanout, "quick": args.quick,
                                     "cold_fanout": args.cold_fanout, "distro": args.distro},
        "transports": TRANSPORTS, "per_task_tasks": PER_TASK_TASKS, "measurements": rows, "per_task": per_task_rows,
        "targets": [dataclasses.asdict(t) | {"verdict": t.verdict} for t in targets],
        "ratios": dict(ratios), "notes": notes,
    }, indent=2) + "\n", encoding="utf-8")
    if rows or per_task_rows:
        report.chart(rows, per_task_rows, str(out / "bench.png"), _title(info))
    return not changed


def _title(info: dict[str, str]) -> str:
    return (f"dockyard make bench, {info['date']}, {info['cpu']} x{info['cores']}, "
            f"load {info['load before']} -> {info.get('load after', '?')}")


def measure(args: argparse.Namespace, runner: Runner, plan: Plan, info: dict[str, str]) -> None:
    fanout: list[int] = args.fanout
    host1 = host_names(1)[0]
    _say(f"==> (4) cold converge and shell floor, interleaved, {args.repeats} pair(s)")
    for i in range(args.repeats):
        runner.fresh_hosts(1)
        _record(plan.cold, runner.ansible(f"cold-{i + 1}", HEADLINE))
        if i == 0:
            runner.save_contexts(host1)
            info["docker in the bench hosts"] = runner.engine_version(host1)
        runner.fresh_hosts(1)
        _record(plan.floor, runner.floor(host1))
        write(args, plan, info, partial=f"after {i + 1} of {args.repeats} cold/floor pairs")
    rounds = args.repeats
    # The 1-host rounds run on a machine that runs that one bench host: the other hosts' idle
    # apps (a fan-out's Redis, MongoDB and Flask, six times) would load the 2 cores under them.
    _say("==> 1 fresh host, converged (untimed): the host of the 1-host rounds")
    runner.fresh_hosts(1)
    runner.ansible("converge-1host", HEADLINE)
    for i in range(rounds):
        # The warm re-runs, then the per-task runs of each transport, starting one further each
        # round: a load left over from the previous run does not always fall on the same one.
        ones: list[tuple[str, Measurement]] = [("warm", plan.warm[1]), ("warm", plan.warm_mitogen),
                                               *(("per-task", m) for m in plan.per_task.values())]
        ones = ones[i % len(ones):] + ones[:i % len(ones)]
        _say(f"==> 1-host round {i + 1} of {rounds}: {', '.join(f'{k} {m.profile}' for k, m in ones)}")
        for kind, m in ones:
            if kind == "warm":
                _record(m, runner.ansible(f"warm-1host-{m.profile}-{i + 1}", m.profile, limit=[host1]))
            else:
                _record(m, runner.per_task(f"per-task-{m.profile}-{i + 1}", m.profile, [host1]))
        _record(plan.start, runner.start(f"start-{i + 1}"))
        write(args, plan, info, partial=f"after {i + 1} of {rounds} 1-host rounds")
    for i in range(args.repeats if plan.cold_fan else 0):
        _say(f"==> cold fan-out, round {i + 1}")
        for n, m in plan.cold_fan.items():
            runner.fresh_hosts(n)
            _record(m, runner.ansible(f"cold-{n}hosts-{i + 1}", HEADLINE))
    if len(fanout) == 1:
        return  # --fanout 1: no fan-out, so no fan-out hosts to set up
    _say(f"==> fan-out setup: {fanout[-1]} fresh host(s), converged at once")
    runner.fresh_hosts(fanout[-1])
    try:
        _record(plan.setup, runner.ansible(f"setup-{fanout[-1]}hosts", HEADLINE))
    except BenchError as err:
        # Many cold converges at once on a small machine can outlast a role's wait: converge
        # again (the site is idempotent), and leave this figure out.
        _say(f"    fan-out setup failed, converging again (figure left out): {err.args[0].splitlines()[0]}")
        info["fan-out setup"] = "the converge of all hosts at once failed and was run again; not reported"
        runner.ansible(f"setup-{fanout[-1]}hosts-again", HEADLINE)
    for i in range(rounds):
        _say(f"==> fan-out round {i + 1} of {rounds}: warm re-runs on "
             f"{', '.join(str(n) for n in fanout if n > 1) or 'no more'} host(s), then {PER_TASK_TASKS} trivial "
             f"tasks on {plan.per_task_fan.hosts}")
        for n, m in plan.warm.items():
            if n > 1:
                _record(m, runner.ansible(f"warm-{n}hosts-{i + 1}", HEADLINE, limit=host_names(n)))
        fan = plan.per_task_fan
        _record(fan, runner.per_task(f"per-task-{HEADLINE}-{fan.hosts}hosts-{i + 1}", HEADLINE,
                                     host_names(fan.hosts)))
        if i + 1 < rounds:
            write(args, plan, info, partial=f"after {i + 1} of {rounds} fan-out rounds")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run(args: argparse.Namespace) -> int:
    # A TERM (make, CI) stops the bench like Ctrl-C: the running command is killed and the
    # bench hosts are removed on the way out.
    signal.signal(signal.SIGTERM, _interrupt)
    runner = Runner(args.distro, REPO / ".cache" / "bench" / "logs")
    info = machine.describe()
    info["load before"] = str(machine.load())
    info["date"] = machine.now()
    plan = Plan.make(args.fanout, args.cold_fanout)
    started = time.monotonic()
    failed = ""
    try:
        measure(args, runner, plan, info)
    except BenchError as err:
        failed = str(err)
        _say(f"bench: {err}")
    finally:
        _say("==> remove the bench hosts")
        try:
            runner.down()
        except BenchError as err:
            _say(f"bench: could not remove the bench hosts ({err}); run `make bench-down`")
        runner.cleanup()
    info["load after"] = str(machine.load())
    info["bench wall time"] = f"{(time.monotonic() - started) / 60:.1f} min"
    if failed:
        if any(m.samples for m in [*plan.site_runs(), *plan.per_task.values(), plan.per_task_fan]):
            write(args, plan, info, partial=f"the bench failed: {failed.splitlines()[0]}")
        return 2
    clean = write(args, plan, info)
    _say(f"\n{(args.out / 'results.md').read_text(encoding='utf-8')}\nwritten: {args.out}/results.md, "
         "results.json, bench.png")
    return 0 if clean else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dockyard_bench", description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--fanout", default="1,3,6", help="host counts of the fan-out (default 1,3,6)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "bench")
    parser.add_argument("--distro", default="debian12", help="the bench hosts' distro (floor.sh: Debian family)")
    parser.add_argument("--quick", action="store_true", help="1 repeat, fan-out 1,6: to try the bench")
    parser.add_argument("--cold-fanout", action="store_true", help="also time cold converges at each fan-out")
    parser.add_argument("--replot", action="store_true", help="only redraw bench.png from results.json in --out")
    args = parser.parse_args(argv)
    if args.replot:
        raw = json.loads((args.out / "results.json").read_text(encoding="utf-8"))
        report.chart(raw["measurements"], raw.get("per_task", []), str(args.out / "bench.png"), _title(raw["machine"]))
        return 0
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.repeats, args.fanout = 1, f"1,{FANOUT_HOSTS}"
    try:
        args.fanout = parse_fanout(args.fanout)
    except ValueError as err:
        parser.error(str(err))
    if args.fanout[0] != 1:
        parser.error("--fanout must include 1 (the other counts are compared with it)")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if mitogen_strategies() is None:
        parser.error("Mitogen for Ansible is not installed (the (3) and (1) Mitogen rows need it): "
                     "pip install -r requirements-fast.txt, or `make bench`, which installs it")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
