"""What the process benches share: run a command cold, to a pipe or to a terminal, and time it.

Each sample is one fresh process, as a user's pre-commit hook or CI step starts one. Commands are run
interleaved (one of each per round) so that load from other processes on a shared machine falls on every
command alike; medians are reported, and ratios are only ever taken between figures of the same run.
"""

from __future__ import annotations

import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_INHERITED = {"FORCE_COLOR", "NO_COLOR", "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Command:
    """One thing to time: its label, argv, working directory, environment and whether it gets a tty."""

    label: str
    argv: Sequence[str]
    cwd: Path = ROOT
    env: Mapping[str, str] | None = None
    tty: bool = False
    warm_up: bool = True
    samples: list[float] = field(default_factory=list)
    cpu_samples: list[float] = field(default_factory=list)

    def median_ms(self) -> float:
        """Median wall time: what the user waits."""
        return statistics.median(self.samples) * 1000

    def median_cpu_ms(self) -> float:
        """Median CPU time (user + system) of the process: steadier than wall time on a busy machine."""
        return statistics.median(self.cpu_samples) * 1000


def comply_env(tree: Path, **extra: str) -> dict[str, str]:
    """The environment of `python -m checker` run from source in `tree` (a worktree or an export).

    Bytecode caching stays on (as for an installed wheel, whose .pyc files pip writes): a user's hook
    does not recompile comply on every run, so neither does the bench.
    """
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def run_once(command: Command) -> tuple[float, float]:
    """Wall and CPU seconds from spawn to exit; a crash or an exit other than 0/1 stops the bench."""
    before = _children_cpu()
    start = time.perf_counter()
    if command.tty:
        code, err = _run_on_pty(command)
    else:
        done = subprocess.run(list(command.argv), cwd=command.cwd, env=command.env, capture_output=True, check=False)
        code, err = done.returncode, done.stderr
    elapsed = time.perf_counter() - start
    if code not in (0, 1) or b"Traceback" in err:
        raise SystemExit(f"{command.label}: {' '.join(command.argv)} exited {code}: {err.decode()[:400]}")
    return elapsed, _children_cpu() - before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_on_pty(command: Command) -> tuple[int, bytes]:
    """Run with stdout on a pseudo-terminal (so the program sees a TTY), draining it as it writes."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        list(command.argv), cwd=command.cwd, env=command.env, stdout=follower, stderr=subprocess.PIPE
    )
    os.close(follower)
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 30)
            if not ready:
                break
            try:
                if not os.read(leader, 65536):
                    break
            except OSError:  # EIO: the child closed its end
                break
    finally:
        os.close(leader)
    err = process.stderr.read() if process.stderr else b""
    return process.wait(), err


def interleaved(commands: Sequence[Command], rounds: int) -> None:
    """One warm-up run of each (page cache, .pyc files) unless it opts out, then `rounds` rounds, the
    order rotating."""
    for command in commands:
        if command.warm_up:
            run_once(command)
    for round_number in range(rounds):
        shift = round_number % len(commands)
        for command in [*commands[shift:], *commands[:shift]]:
            wall, cpu = run_once(command)
            command.samples.append(wall)
            command.cpu_samples.append(cpu)
        print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
