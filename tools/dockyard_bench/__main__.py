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
from dockyard_bench.runner import PROFILES, REPO, Measurement, Runner, Sample, host_names
from dockyard_bench.stats import Target, parse_fanout, ratio, summarize

HEADLINE = "tuned"  # the settings the headline figures use (see docs/bench/README.md)
SETTINGS_COMPARED = ["default", "pipelining", "facts_min"]


def _say(msg: str) -> None:
    print(msg, flush=True)


def _record(m: Measurement, sample: Sample) -> None:
    m.samples.append(sample)
    _say(f"    {m.label} [{m.hosts} host(s), {m.profile}] #{len(m.samples)}: {sample.seconds:.1f} s "
         f"(wall {sample.wall:.1f} s, untimed {sample.untimed:.1f} s, changed={sample.changed}, "
         f"load {sample.load_before:.1f}->{sample.load_after:.1f})")


def _rows(ms: list[Measurement]) -> list[dict[str, object]]:
    return [dataclasses.asdict(m) for m in ms if m.samples]


@dataclasses.dataclass
class Plan:
    """Every measurement of one bench run, in report order."""

    cold: Measurement
    floor: Measurement
    warm: dict[int, Measurement]
    cold_fan: dict[int, Measurement]
    setup: Measurement
    settings: dict[str, Measurement]

    @classmethod
    def make(cls, fanout: list[int], cold_fanout: bool) -> Plan:
        return cls(
            cold=Measurement("cold", "(1) cold converge", 1, HEADLINE),
            floor=Measurement("floor", "(3) shell floor", 1, "bench/floor.sh"),
            warm={n: Measurement(f"warm_{n}", "(2) warm re-run" if n == 1 else "(4) fan-out, warm re-run", n,
                                 HEADLINE) for n in fanout},
            cold_fan={n: Measurement(f"cold_{n}", "(4) fan-out, cold converge", n, HEADLINE)
                      for n in fanout if cold_fanout and n > 1},
            setup=Measurement(f"cold_{fanout[-1]}_setup", "fan-out setup: cold converge, all hosts at once",
                              fanout[-1], HEADLINE),
            settings={p: Measurement(f"warm_1_{p}", "(2) warm re-run", 1, p) for p in SETTINGS_COMPARED},
        )


def write(args: argparse.Namespace, plan: Plan, info: dict[str, str], partial: str = "") -> bool:
    """Write results.md, results.json and bench.png from what was measured so far.

    Returns False when a warm re-run reported changes (a bug of the roles or of the bench).
    """
    notes = [f"PARTIAL: {partial}"] if partial else []
    warm, cold_fan, setup = plan.warm, plan.cold_fan, plan.setup
    changed = [(m.hosts, m.profile, s.changed) for m in [*warm.values(), *plan.settings.values()]
               for s in m.samples if s.changed]
    notes += [f"BUG: a warm re-run ({h} host(s), {p}) reported changed={n}" for h, p, n in changed]
    if not changed and any(m.samples for m in warm.values()):
        notes.append("Every warm re-run reported changed=0 in its PLAY RECAP.")
    one = summarize(warm[1].seconds()) if warm[1].samples else None
    six = summarize(warm[6].seconds()) if 6 in warm and warm[6].samples else None
    cold_s = summarize(plan.cold.seconds()) if plan.cold.samples else None
    floor_s = summarize(plan.floor.seconds()) if plan.floor.samples else None
    cold_floor = ratio(cold_s, floor_s) if cold_s and floor_s else None
    ratios = [("(1) cold converge / (3) shell floor", cold_floor)] if cold_floor else []
    if one:
        ratios += [(f"(4) warm, {n} hosts / 1 host", ratio(summarize(m.seconds()), one))
                   for n, m in warm.items() if n > 1 and m.samples]
    if cold_s:
        ratios += [(f"(4) cold, {n} hosts / 1 host", ratio(summarize(m.seconds()), cold_s))
                   for n, m in cold_fan.items() if m.samples]
        if setup.samples and setup.hosts > 1:
            ratios.append((f"fan-out setup: cold, {setup.hosts} hosts at once (n=1) / (1) cold, 1 host",
                           ratio(summarize(setup.seconds()), cold_s)))
    targets = [
        Target("(2) warm re-run of the whole site, 1 host, under 15 s", 15.0, "s", one.median if one else None),
        Target("(1) cold converge within 1.3x of (3) the shell floor", 1.3, "x", cold_floor),
        Target("(4) warm re-run on 6 hosts within 2x of 1 host", 2.0, "x", ratio(six, one) if six and one else None),
    ]
    measured = [plan.cold, plan.floor, *warm.values(), *cold_fan.values(), *([setup] if setup.hosts > 1 else [])]
    rows = _rows(measured)
    settings_rows = _rows(list(plan.settings.values()))
    if settings_rows and warm[1].samples:
        settings_rows.append({**dataclasses.asdict(warm[1]), "profile": HEADLINE})
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    command = "make bench" + (" BENCH_ARGS=--quick" if args.quick else "")
    text = report.render(machine=info, rows=rows, settings_rows=settings_rows, targets=targets, ratios=ratios,
                         notes=notes, command=f"{command} (python -m {' '.join(['dockyard_bench', *args.argv])})")
    (out / "results.md").write_text(text, encoding="utf-8")
    (out / "results.json").write_text(json.dumps({
        "machine": info, "options": {"repeats": args.repeats, "fanout": args.fanout, "quick": args.quick,
                                     "cold_fanout": args.cold_fanout, "distro": args.distro},
        "profiles": PROFILES, "headline_profile": HEADLINE, "measurements": rows, "settings": settings_rows,
        "targets": [dataclasses.asdict(t) | {"verdict": t.verdict} for t in targets],
        "ratios": dict(ratios), "notes": notes,
    }, indent=2) + "\n", encoding="utf-8")
    if rows:
        report.chart(rows, settings_rows, str(out / "bench.png"),
                     f"dockyard make bench, {info['date']}, {info['cpu']} x{info['cores']}, "
                     f"load {info['load before']} -> {info.get('load after', '?')}")
    return not changed


def measure(args: argparse.Namespace, runner: Runner, plan: Plan, info: dict[str, str]) -> None:
    fanout: list[int] = args.fanout
    host1 = host_names(1)[0]
    _say(f"==> (1) cold converge and (3) shell floor, interleaved, {args.repeats} pair(s)")
    for i in range(args.repeats):
        runner.fresh_hosts(1)
        _record(plan.cold, runner.ansible(f"cold-{i + 1}", HEADLINE))
        if i == 0:
            runner.save_contexts(host1)
            info["docker in the bench hosts"] = runner.engine_version(host1)
        runner.fresh_hosts(1)
        _record(plan.floor, runner.floor(host1))
        write(args, plan, info, partial=f"after {i + 1} of {args.repeats} cold/floor pairs")
    for i in range(args.repeats if plan.cold_fan else 0):
        _say(f"==> (4) cold fan-out, round {i + 1}")
        for n, m in plan.cold_fan.items():
            runner.fresh_hosts(n)
            _record(m, runner.ansible(f"cold-{n}hosts-{i + 1}", HEADLINE))
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
    rounds = args.repeats
    for i in range(rounds):
        # The 1-host runs first, every settings profile in turn, starting one further each
        # round: a load left over from the previous run does not always fall on the same one.
        ones = [(HEADLINE, plan.warm[1]), *([] if args.no_settings else plan.settings.items())]
        ones = ones[i % len(ones):] + ones[:i % len(ones)]
        _say(f"==> round {i + 1} of {rounds}: warm re-runs on 1 host ({', '.join(p for p, _ in ones)}), "
             f"then on {', '.join(str(n) for n in fanout if n > 1) or 'no more'} host(s)")
        for p, m in ones:
            _record(m, runner.ansible(f"warm-1host-{p}-{i + 1}", p, limit=[host1]))
        for n, m in plan.warm.items():
            if n > 1:
                _record(m, runner.ansible(f"warm-{n}hosts-{i + 1}", HEADLINE, limit=host_names(n)))
        if i + 1 < rounds:
            write(args, plan, info, partial=f"after {i + 1} of {rounds} warm rounds")


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
    info["load after"] = str(machine.load())
    info["bench wall time"] = f"{(time.monotonic() - started) / 60:.1f} min"
    if failed:
        if plan.cold.samples:
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
    parser.add_argument("--quick", action="store_true", help="1 repeat, fan-out 1,3: to try the bench")
    parser.add_argument("--cold-fanout", action="store_true", help="also time cold converges at each fan-out")
    parser.add_argument("--no-settings", action="store_true", help="skip the Ansible settings comparison")
    parser.add_argument("--replot", action="store_true", help="only redraw bench.png from results.json in --out")
    args = parser.parse_args(argv)
    if args.replot:
        raw = json.loads((args.out / "results.json").read_text(encoding="utf-8"))
        info = raw["machine"]
        report.chart(raw["measurements"], raw["settings"], str(args.out / "bench.png"),
                     f"dockyard make bench, {info['date']}, {info['cpu']} x{info['cores']}, "
                     f"load {info['load before']} -> {info.get('load after', '?')}")
        return 0
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.repeats, args.fanout = 1, "1,3"
    try:
        args.fanout = parse_fanout(args.fanout)
    except ValueError as err:
        parser.error(str(err))
    if args.fanout[0] != 1:
        parser.error("--fanout must include 1 (the other counts are compared with it)")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
