"""Framework crosswalks: rule METADATA names the NIST AI RMF subcategories and GDPR articles a rule serves;
`comply check --framework` groups a report by them and `comply policy docs` prints the table."""

from __future__ import annotations

import json

from checker.engine.bundle import load_bundle
from checker.report.frameworks import FRAMEWORKS, mappings
from tests.conftest import EXAMPLES, comply

CANDIDATE = EXAMPLES / "credit-scoring-candidate"


def test_every_mapping_names_a_known_subcategory() -> None:
    used = 0
    for meta in load_bundle().metadata.values():
        frameworks = meta.custom.get("frameworks") or {}
        assert set(frameworks) <= set(FRAMEWORKS), meta.id
        for framework in FRAMEWORKS.values():
            for entry in mappings(meta.custom, framework):
                assert entry in framework.headings, f"{meta.file}: {meta.id}: {entry} is not a {framework.title} entry"
                used += 1
    assert used >= 10


def test_report_grouped_by_nist_ai_rmf() -> None:
    done = comply(
        "check",
        str(CANDIDATE / "model_card.yaml"),
        "--config",
        str(CANDIDATE / "comply.yaml"),
        "--framework",
        "nist-ai-rmf",
        "--no-color",
        "--reference-date",
        "2028-01-01",
    )
    assert done.returncode == 1, done.stderr
    assert "grouped by NIST AI RMF 1.0 (NIST AI 100-1" in done.stdout
    regression = done.stdout.index("NIST AI RMF MEASURE 2.3 — performance is measured")
    assert done.stdout.index("org.regression.metrics") > regression
    assert "NIST AI RMF MEASURE 2.10 — privacy risk" in done.stdout
    assert "Not mapped to NIST AI RMF 1.0" in done.stdout


def test_json_keeps_the_ai_act_article() -> None:
    done = comply(
        "check",
        str(CANDIDATE / "model_card.yaml"),
        "--framework",
        "gdpr",
        "--format",
        "json",
        "--reference-date",
        "2028-01-01",
    )
    results = {r["id"]: r for r in json.loads(done.stdout)["cards"][0]["results"]}
    assert results["gdpr.art9.special_category_feature"]["article"] == "GDPR Art. 9"


def test_unknown_framework_is_one_line_exit_2() -> None:
    done = comply("check", str(CANDIDATE / "model_card.yaml"), "--framework", "iso-42001")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "comply: error: --framework: unknown framework 'iso-42001' (known: gdpr, nist-ai-rmf)"
    ]


def test_policy_docs_print_the_crosswalk() -> None:
    done = comply("policy", "docs")
    assert done.returncode == 0
    table = done.stdout.split("## Framework crosswalk", 1)[1]
    assert "| `org.regression.fairness` | Organisation policy (supports Art. 10(2)(f)-(g)) | MEASURE 2.11 |  |" in table
    assert "| `gdpr.art9.special_category_feature` | GDPR Art. 9(1)-(2) | MEASURE 2.10 | Art. 9 |" in table
    assert (
        "| `org.rollback.plan` | Organisation policy (supports Art. 17(1), 20) | MANAGE 2.4, MANAGE 4.1 |  |" in table
    )
    # Nothing in NIST AI 100-1 or the GDPR names a code commit or a deployment record: left unmapped.
    assert "| `org.lineage.code_commit` | Organisation policy (supports Art. 11, Annex IV(2)) |  |  |" in table
