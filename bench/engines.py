"""Per-decision latency: embedded regorus vs real OPA in-process vs OPA over HTTP, on the example cards.

    python bench/engines.py [--rounds 20]

All three run in one process on the same input documents (the example cards assembled as `comply
check` does, at a fixed reference date): regorus through `RegorusEngine`, the OPA Go engine through
`opa_bindings`, and the HTTP path through `OpaServerEngine` (opa-python-client) against the test OPA
server of tests/opa (the same Go engine behind OPA's REST API on 127.0.0.1). The bundle is uploaded
once before timing; what is timed is one decision each. Ratios are against regorus, measured here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.config import load_config  # noqa: E402
from checker.engine.base import DECISION_PATH  # noqa: E402
from checker.engine.bundle import PolicyBundle, load_bundle  # noqa: E402
from checker.engine.opa_server import OpaServerEngine  # noqa: E402
from checker.engine.regorus_engine import RegorusEngine  # noqa: E402
from checker.evidence.assemble import Context, EvidencePaths, assemble  # noqa: E402
from tests.opa.discovery import example_cards, label  # noqa: E402
from tests.opa.opa_test_server import running  # noqa: E402

Decide = Callable[[Mapping[str, Any]], Any]


def documents() -> list[tuple[str, dict[str, Any]]]:
    context = Context("2028-01-01", "amended")
    found = []
    for card in example_cards():
        beside = card.parent / "comply.yaml"
        config = load_config(beside if beside.is_file() else None)
        found.append((label(card), assemble(card, EvidencePaths(), context, config).document))
    if not found:
        raise SystemExit("no example cards under examples/")
    return found


def per_decision(decide: Decide, docs: Sequence[dict[str, Any]], rounds: int) -> list[float]:
    for doc in docs:
        decide(doc)
    samples = []
    for _ in range(rounds):
        for doc in docs:
            start = time.perf_counter()
            decide(doc)
            samples.append(time.perf_counter() - start)
    return samples


def opa_in_process(bundle: PolicyBundle) -> Decide:
    from opa_bindings import OpaEngine

    engine = OpaEngine()
    for module in bundle.policy_modules:
        engine.add_policy(module.path, module.source)
    engine.add_data(json.loads(json.dumps(bundle.data)))
    path = DECISION_PATH.replace("/", ".")
    return lambda doc: engine.eval_document(path, dict(doc))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    bundle = load_bundle()
    docs = documents()
    plain = [doc for _, doc in docs]
    regorus = RegorusEngine(bundle)
    results: dict[str, list[float]] = {}
    results["regorus (embedded)"] = per_decision(regorus.evaluate, plain, args.rounds)
    results["OPA in-process (Go)"] = per_decision(opa_in_process(bundle), plain, args.rounds)
    with running() as server:
        http = OpaServerEngine.from_settings(bundle, {}, {"opa_url": server.url})
        start = time.perf_counter()
        http.sync()
        upload = time.perf_counter() - start
        results["OPA over HTTP (opa-python-client)"] = per_decision(http.evaluate, plain, args.rounds)
        http.close()
    baseline = statistics.median(results["regorus (embedded)"])
    print(f"{len(plain)} example cards x {args.rounds} rounds; one decision each (data.comply.main.decision)")
    print(f"{'engine':36} {'median ms':>10} {'mean ms':>9} {'p95 ms':>8} {'x regorus':>10}")
    for name, samples in results.items():
        ordered = sorted(samples)
        median = statistics.median(ordered)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"{name:36} {median * 1e3:10.2f} {statistics.fmean(ordered) * 1e3:9.2f} {p95 * 1e3:8.2f} {median / baseline:10.2f}"
        )
    print(f"one-off bundle upload to the test server (sync): {upload * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
