"""Where one decision's time goes: the classification, the duty table and each rules package, in-process.

    python bench/decision_profile.py [--card examples/loan-desk-deployer/model_card.yaml] [--rounds 15]

regorus has no profiler, so parts are timed as queries on a fresh clone of the prepared engine (as each
card gets one): the classification alone, then each rules package with the classification and
comply.lib.duties evaluated in the same query, so that the figure is what the package adds. Rounds are
interleaved and the minimum CPU time is kept (the machine is shared; the minimum is the least disturbed
run). On the default card each package adds 0.1-1 ms and none dominates: the rules' share is their sum.

What costs what in regorus 0.13 (measured here, 2000-iteration loops): a function call ~3.5 us, a rule
reference ~0.8 us, a local variable ~0.5 us; a rule read through an import alias (`duties.card`)
evaluates the whole imported package once per decision; every query pays a fixed cost that grows with
the bundle (about 1 ms for the rules packages).
"""

from __future__ import annotations

import argparse
import json
import time

from timing import ROOT

from checker.check import CheckRequest, open_session
from checker.evidence.assemble import EvidencePaths, assemble

CLASSIFICATION = "c := data.comply.classification.result"
BASE = CLASSIFICATION + "; d := data.comply.lib.duties"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--card", default="examples/loan-desk-deployer/model_card.yaml")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    card = ROOT / args.card
    session = open_session(CheckRequest(paths=[card], engine_options={"eval_timeout": 0}))
    prepared = session.engine.prepared()
    input_json = json.dumps(assemble(card, EvidencePaths(), session.context, session.config).document)
    packages = sorted(
        json.loads(prepared.eval_query_as_json("x := [p | some p, _ in data.comply.rules]"))["result"][0]["bindings"][
            "x"
        ]
    )

    def cpu_ms(query: str) -> float:
        engine = prepared.clone()
        engine.set_input_json(input_json)
        start = time.process_time()
        engine.eval_query_as_json(query)
        return (time.process_time() - start) * 1000

    queries = {
        "empty query": "x := 1",
        "classification.result": CLASSIFICATION,
        "+ comply.lib.duties": BASE,
        **{f"+ rules.{name}": f"{BASE}; p := data.comply.rules.{name}" for name in packages},
        "decision": "data.comply.main.decision",
    }
    best = dict.fromkeys(queries, float("inf"))
    for _ in range(args.rounds):
        for label, query in queries.items():
            best[label] = min(best[label], cpu_ms(query))

    print(f"one decision for {args.card}: minimum CPU ms of {args.rounds} interleaved rounds, fresh clone each")
    base = best["+ comply.lib.duties"]
    print(f"{'empty query':28s} {best['empty query']:7.2f}")
    print(f"{'classification.result':28s} {best['classification.result']:7.2f}")
    print(f"{'+ comply.lib.duties':28s} {base - best['classification.result']:7.2f}")
    added = {name: best[f"+ rules.{name}"] - base for name in packages}
    for name, ms in sorted(added.items(), key=lambda item: -item[1]):
        print(f"  + rules.{name:20s} {ms:7.2f}")
    print(f"{'rules packages (sum)':28s} {sum(added.values()):7.2f}")
    print(f"{'decision':28s} {best['decision']:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
