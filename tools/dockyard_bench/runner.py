"""Bench hosts, timed Ansible runs and timed shell-floor runs.

Untimed: starting and removing hosts, waiting for systemd, copying the kit's images in (for
Ansible, the span between the BENCH_MARK lines of playbooks/bench_site.yml is taken out).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from dockyard_bench import BenchError, machine
from dockyard_bench.stats import recap, total_changed, untimed_seconds

REPO = Path(__file__).resolve().parents[2]
INVENTORY = "inventory/bench"
HOST_PREFIX = "dockyard-bench-"
KIT_IMAGES = ["dockyard/python:3.11-slim", "dockyard/redis:7", "dockyard/mongo:7.0"]
CONTEXTS = {"demo_app": "/opt/demo_app", "mongo-perso": "/opt/dockyard/mongo-perso"}
RUN_TIMEOUT = 1800

# Ansible settings compared by the bench. "default" is the project's ansible.cfg as it is.
PROFILES: dict[str, dict[str, str]] = {
    "default": {"ANSIBLE_PIPELINING": "0", "gather_subset": "all"},
    "pipelining": {"ANSIBLE_PIPELINING": "1", "gather_subset": "all"},
    "facts_min": {"ANSIBLE_PIPELINING": "0", "gather_subset": "min"},
    "tuned": {"ANSIBLE_PIPELINING": "1", "gather_subset": "min"},
}


@dataclass
class Sample:
    seconds: float  # the timed figure
    wall: float  # the whole command, untimed setup included
    untimed: float
    changed: int
    load_before: float
    load_after: float
    started: str
    log: str


@dataclass
class Measurement:
    key: str
    label: str
    hosts: int
    profile: str
    samples: list[Sample] = field(default_factory=list)

    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]


def host_names(count: int) -> list[str]:
    return [f"{HOST_PREFIX}{i}" for i in range(1, count + 1)]


class Runner:
    def __init__(self, distro: str, logs: Path) -> None:
        self.distro = distro
        self.logs = logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self.contexts = logs.parent / "contexts"
        self._count = 0

    # -- helpers --------------------------------------------------------------
    def _log(self, name: str) -> Path:
        self._count += 1
        return self.logs / f"{self._count:03d}-{name}.log"

    def _run(self, args: list[str], log: Path, env: dict[str, str] | None = None,
             stdin: Path | None = None) -> str:
        full_env = {**os.environ, "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1", "PY_COLORS": "0",
                    "ANSIBLE_STDOUT_CALLBACK": "default", **(env or {})}
        with open(stdin, "rb") if stdin else open(os.devnull, "rb") as fin:
            try:
                res = subprocess.run(args, cwd=REPO, env=full_env, stdin=fin, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, timeout=RUN_TIMEOUT, check=False)
            except subprocess.TimeoutExpired as err:
                raise BenchError(f"{' '.join(args)}: timed out after {RUN_TIMEOUT}s (log: {log})") from err
        log.write_text(res.stdout, encoding="utf-8")
        if res.returncode != 0:
            last = "\n    ".join(res.stdout.strip().splitlines()[-15:])
            raise BenchError(f"{' '.join(args)} failed (exit {res.returncode}); log: {log}\n    {last}")
        return res.stdout

    # -- hosts (untimed) ------------------------------------------------------
    def fresh_hosts(self, count: int) -> None:
        """Remove every bench host, start `count` new ones and wait until systemd has booted."""
        self.down()
        self._run(["ansible-playbook", "-i", INVENTORY, "playbooks/bench_hosts.yml"], self._log("hosts-up"),
                  env={"BENCH_HOSTS": str(count), "BENCH_DISTRO": self.distro})
        for name in host_names(count):
            subprocess.run(["docker", "exec", name, "systemctl", "is-system-running", "--wait"],
                           capture_output=True, timeout=300, check=False)

    def down(self) -> None:
        self._run(["ansible-playbook", "-i", INVENTORY, "playbooks/bench_down.yml"], self._log("hosts-down"))

    def load_images(self, host: str) -> None:
        for image in KIT_IMAGES:
            cmd = f"docker save {image} | docker exec -i {host} docker load"
            self._run(["bash", "-o", "pipefail", "-c", cmd], self._log(f"load-{host}"))

    def save_contexts(self, host: str) -> None:
        """Keep the build contexts the roles rendered on `host`, for the shell floor."""
        if self.contexts.exists():
            shutil.rmtree(self.contexts)
        self.contexts.mkdir(parents=True)
        for name, path in CONTEXTS.items():
            self._run(["docker", "cp", f"{host}:{path}", str(self.contexts / name)], self._log("contexts"))

    def engine_version(self, host: str) -> str:
        res = subprocess.run(["docker", "exec", host, "docker", "version", "--format", "{{.Server.Version}}"],
                             capture_output=True, text=True, timeout=60, check=False)
        return res.stdout.strip() or "unknown"

    # -- timed ----------------------------------------------------------------
    def ansible(self, name: str, profile: str, limit: list[str] | None = None) -> Sample:
        """Time bench_site.yml on the bench hosts (or `limit`), the image copy taken out."""
        settings = PROFILES[profile]
        args = ["ansible-playbook", "-i", INVENTORY, "playbooks/bench_site.yml",
                "-e", f"bench_gather_subset={settings['gather_subset']}"]
        if limit:
            args += ["--limit", ",".join(limit)]
        log = self._log(name)
        before, started = machine.load(), machine.now()
        t0 = time.monotonic()
        out = self._run(args, log, env={"ANSIBLE_PIPELINING": settings["ANSIBLE_PIPELINING"]})
        wall = time.monotonic() - t0
        untimed = untimed_seconds(out)
        counters = recap(out)
        if not counters:
            raise BenchError(f"{name}: no PLAY RECAP in the output (log: {log})")
        return Sample(round(wall - untimed, 2), round(wall, 2), round(untimed, 2), total_changed(counters),
                      before, machine.load(), started, str(log))

    def floor(self, host: str) -> Sample:
        """Time bench/floor.sh on a fresh `host`: engine phase, untimed image copy, apps phase."""
        script = REPO / "bench" / "floor.sh"
        self._run(["docker", "cp", f"{self.contexts}/.", f"{host}:/var/tmp/bench-contexts"], self._log("contexts"))
        before, started = machine.load(), machine.now()
        log = self._log("floor")
        t0 = time.monotonic()
        self._run(["docker", "exec", "-i", host, "bash", "-s", "engine"], log, stdin=script)
        t1 = time.monotonic()
        self.load_images(host)
        t2 = time.monotonic()
        self._run(["docker", "exec", "-i", host, "bash", "-s", "apps"], self._log("floor-apps"), stdin=script)
        t3 = time.monotonic()
        timed = (t1 - t0) + (t3 - t2)
        return Sample(round(timed, 2), round(t3 - t0, 2), round(t2 - t1, 2), 0, before, machine.load(), started,
                      str(log))
