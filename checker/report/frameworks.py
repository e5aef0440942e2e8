"""Framework crosswalks: which subcategories of other frameworks a rule serves, from its METADATA.

A rule's `custom.frameworks` maps a framework name to the subcategories (NIST AI RMF 1.0) or articles (GDPR)
it serves, e.g. `{nist-ai-rmf: [MEASURE 2.11], gdpr: [Art. 9]}`. Only mappings citable from the framework's
own text are written; a rule without one is reported as not mapped, never guessed into one.

`comply check --framework NAME` reports every rule under the first subcategory it serves (rules that serve
none under "Not mapped"), so a team working to that framework reads the same verdict in its terms; each
result's AI Act article is kept in the result's METADATA (`custom.article`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from checker.errors import UsageError
from checker.report.model import Report, RuleResult


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    source: str
    prefix: str
    headings: Mapping[str, str]


NIST_AI_RMF = Framework(
    "nist-ai-rmf",
    "NIST AI RMF 1.0",
    "NIST AI 100-1, Artificial Intelligence Risk Management Framework (AI RMF 1.0), January 2023, Tables 1-4",
    "NIST AI RMF",
    {
        "GOVERN 1.1": "legal and regulatory requirements involving AI are understood, managed and documented",
        "MAP 3.5": "processes for human oversight are defined, assessed and documented",
        "MEASURE 2.1": "test sets, metrics and details of the TEVV tools are documented",
        "MEASURE 2.3": "performance is measured and demonstrated for conditions like the deployment's",
        "MEASURE 2.4": "the system's functionality and behaviour are monitored in production",
        "MEASURE 2.9": "the model is explained, validated and documented; its output interpreted in context",
        "MEASURE 2.10": "privacy risk of the AI system is examined and documented",
        "MEASURE 2.11": "fairness and bias are evaluated and the results documented",
        "MANAGE 2.4": "mechanisms to supersede, disengage or deactivate the system are in place",
        "MANAGE 4.1": "post-deployment monitoring plans are implemented (override, recovery, change management)",
        "MANAGE 4.3": "incidents and errors are communicated to relevant AI actors and tracked to recovery",
    },
)

GDPR = Framework(
    "gdpr",
    "GDPR",
    "Regulation (EU) 2016/679 (General Data Protection Regulation)",
    "GDPR",
    {
        "Art. 5(1)(c)": "data minimisation",
        "Art. 9": "processing of special categories of personal data",
        "Art. 22(3)": "safeguards for solely automated decisions",
    },
)

FRAMEWORKS: dict[str, Framework] = {framework.name: framework for framework in (NIST_AI_RMF, GDPR)}


def framework_named(name: str) -> Framework:
    """The framework `name`, or a one-line usage error listing the known ones."""
    framework = FRAMEWORKS.get(name)
    if framework is None:
        raise UsageError(f"--framework: unknown framework {name!r} (known: {', '.join(sorted(FRAMEWORKS))})")
    return framework


def mappings(custom: Mapping[str, Any], framework: Framework) -> list[str]:
    """The subcategories a rule's METADATA says it serves in `framework` (in the order written)."""
    frameworks = custom.get("frameworks")
    entries = frameworks.get(framework.name) if isinstance(frameworks, Mapping) else None
    if isinstance(entries, str):
        return [entries]
    return [str(entry) for entry in entries] if isinstance(entries, Sequence) else []


def not_mapped(framework: Framework) -> str:
    return f"Not mapped to {framework.title}"


def heading_title(heading: str) -> str | None:
    """`NIST AI RMF MEASURE 2.11` -> its subcategory's summary (None for a heading of no framework)."""
    for framework in FRAMEWORKS.values():
        key = heading.removeprefix(f"{framework.prefix} ")
        if key != heading and key in framework.headings:
            return framework.headings[key]
    return None


def regroup(report: Report, name: str) -> Report:
    """The report with each rule under the first `name` subcategory it serves, and a header note naming
    the framework's source."""
    framework = framework_named(name)

    def moved(result: RuleResult) -> RuleResult:
        served = mappings(result.custom, framework)
        heading = f"{framework.prefix} {served[0]}" if served else not_mapped(framework)
        return replace(result, article=heading, custom={**result.custom, "article": result.article})

    cards = tuple(replace(card, results=tuple(moved(result) for result in card.results)) for card in report.cards)
    note = f"grouped by {framework.title} ({framework.source}); rules it does not cover are listed as not mapped"
    return replace(report, cards=cards, notes=(*report.notes, note))
