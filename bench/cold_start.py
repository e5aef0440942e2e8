"""How instant does `comply check` feel? One cold run against the imports it cannot avoid and a peer.

    python bench/cold_start.py [--rounds 15] [--card examples/credit-scoring/model_card.yaml] [--before TREE]

Times, interleaved and as medians of fresh processes:
- floor: `python -c "import yaml, jsonschema, rich, typer"` (comply's own dependencies, nothing more);
- peer: eu-ai-act-classifier's cold CLI on an equivalent profile (bench/peer_profile.json: the
  credit-scoring card's system). It needs Python 3.13; the bench makes its own venv under bench/.data on
  first run (pip install), or skips the peer and says why;
- comply check of the card to a pipe (pre-commit, CI), to a terminal (a pty: the rich renderer) and with
  `--format json`, all with RUST_BACKTRACE=1 as CI runners set it, and once more with it unset;
- with `--before TREE` (an export of an earlier commit), that tree's comply to a pipe too.
Targets (issue 17): pipe <= 1.3x the floor and <= 0.9x the peer.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from timing import NOT_INHERITED, ROOT, Command, comply_env, interleaved

PEER_PACKAGE = "eu-ai-act-classifier==0.2.2"
PEER_VENV = ROOT / "bench" / ".data" / "peer-venv"
PEER_PROFILE = ROOT / "bench" / "peer_profile.json"

BEFORE = {
    "floor": 1.00,
    "comply check, pipe": 2.10,
    "peer": 1.37,
}
"""Ratios to the floor before issue 17, as the issue measured them (main at 8f24268, 2 shared cores);
run with `--before TREE` (an export of that commit) to measure them again beside today's."""


def python313() -> str | None:
    """A working Python 3.13: $COMPLY_BENCH_PYTHON313, pyenv's, or python3.13 on PATH (not a bare shim)."""
    candidates = [os.environ.get("COMPLY_BENCH_PYTHON313")]
    candidates += sorted(glob.glob(str(Path.home() / ".pyenv" / "versions" / "3.13*" / "bin" / "python")))
    candidates.append(shutil.which("python3.13"))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True)
        if probe.returncode == 0 and probe.stdout.strip() == b"(3, 13)":
            return candidate
    return None


def peer_command() -> tuple[list[str] | None, str]:
    """The peer's argv, creating its venv on first run; or None and the reason it is skipped."""
    cli = PEER_VENV / "bin" / "eu-ai-act-classify"
    if not cli.is_file():
        interpreter = python313()
        if interpreter is None:
            return None, "no Python 3.13 found (set COMPLY_BENCH_PYTHON313)"
        print(f"creating {PEER_VENV} with {interpreter} and installing {PEER_PACKAGE} ...", file=sys.stderr)
        made = subprocess.run([interpreter, "-m", "venv", str(PEER_VENV)], capture_output=True, text=True)
        if made.returncode != 0:
            return None, f"venv failed: {made.stderr.strip()[:200]}"
        pip = [str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "-q", PEER_PACKAGE]
        installed = subprocess.run(pip, capture_output=True, text=True)
        if installed.returncode != 0 or not cli.is_file():
            shutil.rmtree(PEER_VENV, ignore_errors=True)
            return None, f"pip install {PEER_PACKAGE} failed: {installed.stderr.strip()[-200:]}"
    return [str(cli), str(PEER_PROFILE)], ""


def peer_env() -> dict[str, str]:
    """The user's environment without comply's Python path (the peer runs in its own venv)."""
    return {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV", *NOT_INHERITED}}


def ratios(value: float, floor: float, peer: float | None) -> str:
    versus_peer = f"{value / peer:6.2f}x" if peer else "      -"
    return f"{value:8.1f} {value / floor:7.2f}x {versus_peer}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--card", default="examples/credit-scoring/model_card.yaml")
    parser.add_argument("--before", type=Path, help="another source tree of comply to time beside this one")
    args = parser.parse_args()

    ci = comply_env(ROOT, RUST_BACKTRACE="1")
    plain = {key: value for key, value in comply_env(ROOT).items() if key != "RUST_BACKTRACE"}
    check = [sys.executable, "-m", "checker", "check", args.card]
    floor = Command("floor", [sys.executable, "-c", "import yaml, jsonschema, rich, typer"])
    commands = [floor]
    peer_argv, skipped = peer_command()
    peer = Command("peer", peer_argv, env=peer_env()) if peer_argv else None
    if peer:
        commands.append(peer)
    pipe = Command("comply check, pipe", check, env=ci)
    commands += [
        pipe,
        Command("comply check, tty", check, env=ci, tty=True),
        Command("comply check --format json", [*check, "--format", "json"], env=ci),
        Command("comply check, pipe, no RUST_BACKTRACE", check, env=plain),
    ]
    if args.before:
        tree = args.before.resolve()
        before_check = [sys.executable, "-m", "checker", "check", str(ROOT / args.card)]
        before_env = comply_env(tree, RUST_BACKTRACE="1")
        commands.append(Command("before: comply check, pipe", before_check, cwd=tree, env=before_env))

    interleaved(commands, args.rounds)

    print(f"cold start, medians of {args.rounds} interleaved runs ({args.card})")
    print(
        f"{'':40} {'wall ms':>8} {'x floor':>8} {'x peer':>7} {'cpu ms':>8} {'x floor':>8} {'x peer':>7} {'before':>7}"
    )
    for command in commands:
        wall = ratios(command.median_ms(), floor.median_ms(), peer.median_ms() if peer else None)
        cpu = ratios(command.median_cpu_ms(), floor.median_cpu_ms(), peer.median_cpu_ms() if peer else None)
        earlier = BEFORE.get(command.label)
        before = f"{earlier:6.2f}x" if earlier else "      -"
        print(f"{command.label:40} {wall} {cpu} {before}")
    if not peer:
        print(f"peer skipped: {skipped}")
    print("targets: comply check, pipe <= 1.30x floor and <= 0.90x peer")
    print("(before: wall ratio to the floor on main before issue 17's work; cpu: user+system of the process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
