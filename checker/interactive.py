"""`comply classify --interactive`: the AI Act questionnaire, one question at a time.

The questions are the model-card facts of the fact sheet (§10), in the order of the Commission's
and FLI's compliance checkers (artifact and role, scope, Art 5, biometrics, deployment context,
Annex III and 6(3), Annex I, Art 50, GPAI). Each question says when it is relevant, so answers
skip what they make irrelevant (no biometric questions for a system without biometrics, no GPAI
questions for a plain system).

The answers are written into the `ai_act` and `deployment` sections of a new or existing card.
The rest of the file is kept byte for byte, comments included: only the text of those two
top-level sections is replaced (keys already there that no question covers are kept; comments
*inside* those two sections are not). No round-trip YAML library is needed for that, and the
result is re-parsed and compared before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from checker.errors import InputError, UsageError

Answers = dict[str, Any]
"""Answers so far, keyed by dotted card path (`ai_act.uses_biometrics`)."""

MAX_ATTEMPTS = 3

PRACTICES = (
    "subliminal_manipulation", "exploitation_of_vulnerabilities", "social_scoring", "criminal_risk_profiling",
    "facial_scraping", "emotion_recognition_work_education", "biometric_categorisation_sensitive",
    "realtime_rbi_law_enforcement", "non_consensual_intimate_imagery", "csam_generation",
)  # fmt: skip

USE_CASES = (
    "biometrics.remote_identification", "biometrics.categorisation_sensitive", "biometrics.emotion_recognition",
    "critical_infrastructure.safety_component", "education.access_admission", "education.learning_outcomes",
    "education.level_assessment", "education.test_proctoring", "employment.recruitment",
    "employment.work_relationship_decisions", "essential_services.public_benefits",
    "essential_services.creditworthiness", "essential_services.life_health_insurance",
    "essential_services.emergency_dispatch", "law_enforcement.victim_risk", "law_enforcement.polygraph",
    "law_enforcement.evidence_reliability", "law_enforcement.offending_risk", "law_enforcement.profiling",
    "migration.polygraph", "migration.risk_assessment", "migration.application_examination",
    "migration.identification", "justice.judicial_assistance", "democratic_processes.election_influence",
)  # fmt: skip

ANNEX_I = tuple(f"annex1.a.{n}" for n in range(1, 13)) + tuple(f"annex1.b.{n}" for n in range(13, 21))

DEROGATIONS = (
    "narrow_procedural_task", "improves_completed_human_activity", "detects_decision_pattern_deviations",
    "preparatory_task",
)  # fmt: skip


@dataclass(frozen=True)
class Question:
    """One fact to ask for: where it goes, how it is typed, and when it matters."""

    path: str
    prompt: str
    kind: str  # bool | choice | multi | number | text_list
    choices: tuple[str, ...] = ()
    default: Any = None
    when: Callable[[Answers], bool] = lambda answers: True


def _is(path: str, *values: Any) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(path) in values


def _system(answers: Answers) -> bool:
    return answers.get("ai_act.artifact") != "model" and answers.get("ai_act.in_scope_exclusion") not in (
        "military",
        "research",
    )


def _both(*tests: Callable[[Answers], bool]) -> Callable[[Answers], bool]:
    return lambda answers: all(test(answers) for test in tests)


def _has_use_cases(answers: Answers) -> bool:
    return _system(answers) and bool(answers.get("ai_act.use_cases"))


QUESTIONS: tuple[Question, ...] = (
    Question("ai_act.artifact", "Is this an AI system, a model, or both?", "choice", ("system", "model", "model_and_system"), "system"),
    Question("ai_act.role", "Are you the provider or a deployer?", "choice", ("provider", "deployer"), "provider"),
    Question(
        "ai_act.in_scope_exclusion",
        "Is it used exclusively for military/defence, solely for research, or purely personally?",
        "choice", ("none", "military", "research", "personal"), "none",
        when=lambda a: a.get("ai_act.artifact") != "model",
    ),
    Question("ai_act.prohibited_practice_flags", "Does it perform any Art 5 practice? (comma-separated, or none)", "multi", PRACTICES, [], when=_system),
    Question("ai_act.uses_biometrics", "Does it process biometric data?", "bool", when=_system),
    Question(
        "ai_act.biometric_function", "What does it do with biometric data?", "choice",
        ("identification", "verification", "categorisation", "emotion_recognition"),
        when=_both(_system, _is("ai_act.uses_biometrics", True)),
    ),
    Question(
        "ai_act.biometric_timing", "Is the identification real-time or post (on recordings)?", "choice", ("real_time", "post"),
        when=_both(_system, _is("ai_act.biometric_function", "identification")),
    ),
    Question(
        "ai_act.biometric_categorisation_attributes", "Which traits does it infer? (comma-separated, e.g. age, sex, race)", "text_list",
        when=_both(_system, _is("ai_act.biometric_function", "categorisation")),
    ),
    Question(
        "ai_act.emotion_recognition_reason", "Why does it recognise emotions?", "choice", ("medical", "safety", "other"),
        when=_both(_system, _is("ai_act.biometric_function", "emotion_recognition")),
    ),
    Question(
        "deployment.deployer_type", "Who deploys it?", "choice",
        ("private", "public_authority", "public_service", "natural_person_personal"), "private", when=_system,
    ),
    Question("deployment.law_enforcement", "Is it used for law enforcement?", "bool", default=False, when=_system),
    Question(
        "deployment.publicly_accessible_space", "Is it used in publicly accessible spaces?", "bool", default=False,
        when=_both(_system, _is("ai_act.biometric_function", "identification")),
    ),
    Question("deployment.workplace", "Is it used at a workplace (on workers)?", "bool", default=False, when=_system),
    Question("deployment.education_institution", "Is it used in an education institution?", "bool", default=False, when=_system),
    Question("ai_act.use_cases", "Which Annex III uses apply? (comma-separated ids, or none)", "multi", USE_CASES, [], when=_system),
    Question(
        "ai_act.derogation", "Does an Art 6(3) derogation apply? (none or the condition)", "choice", ("none", *DEROGATIONS), "none",
        when=_has_use_cases,
    ),
    Question("ai_act.profiling", "Does it profile natural persons (GDPR Art 4(4))?", "bool", when=_has_use_cases),
    Question(
        "ai_act.decision_effect_on_persons", "Do its outputs feed decisions with legal or similar effects on people?", "choice",
        ("none", "similar", "legal"), "none", when=_has_use_cases,
    ),
    Question("ai_act.safety_component_of", "Is it (a safety component of) an Annex I product? (none or the id)", "choice", ("none", *ANNEX_I), "none", when=_system),
    Question(
        "ai_act.third_party_conformity_required", "Does that product need third-party conformity assessment?", "bool",
        when=lambda a: _system(a) and a.get("ai_act.safety_component_of") not in (None, "none"),
    ),
    Question("ai_act.interacts_with_natural_persons", "Does it interact directly with people?", "bool", when=_system),
    Question("ai_act.generates_synthetic_content", "Does it generate synthetic audio, images, video or text?", "bool", when=_system),
    Question(
        "ai_act.content_types", "Which content types? (comma-separated)", "multi", ("text", "image", "audio", "video"),
        when=_both(_system, _is("ai_act.generates_synthetic_content", True)),
    ),
    Question(
        "ai_act.publishes_public_interest_text", "Is text it generates published to inform the public on matters of public interest?", "bool",
        when=lambda a: _system(a) and "text" in (a.get("ai_act.content_types") or []),
    ),
    Question(
        "ai_act.synthetic_content_exception", "Does an exception apply? (none, assistive_editing, no_substantial_alteration_of_semantics)",
        "choice", ("none", "assistive_editing", "no_substantial_alteration_of_semantics"), "none",
        when=_both(_system, _is("ai_act.generates_synthetic_content", True)),
    ),
    Question(
        "ai_act.general_purpose", "Is the model general-purpose (competent across many distinct tasks)?", "bool",
        when=_is("ai_act.artifact", "model", "model_and_system"),
    ),
    Question("ai_act.training_compute_flops", "Cumulative training compute in FLOP (e.g. 3e24)?", "number", when=_is("ai_act.general_purpose", True)),
    Question("ai_act.open_weights", "Are the weights published under a free and open-source licence?", "bool", default=False, when=_is("ai_act.general_purpose", True)),
)  # fmt: skip


def parse_answer(question: Question, text: str) -> Any:
    """The typed value of one answer, or ValueError with a hint of what is accepted."""
    text = text.strip()
    if not text:
        if question.default is not None:
            return question.default
        raise ValueError("an answer is required")
    if question.kind == "bool":
        lowered = text.lower()
        if lowered in {"y", "yes", "true"}:
            return True
        if lowered in {"n", "no", "false"}:
            return False
        raise ValueError("answer yes or no")
    if question.kind == "choice":
        if text in question.choices:
            return text
        if text.isdigit() and 1 <= int(text) <= len(question.choices):
            return question.choices[int(text) - 1]
        raise ValueError(f"choose one of: {', '.join(question.choices)}")
    if question.kind == "number":
        value = float(text)
        if value < 0:
            raise ValueError("a non-negative number")
        return value
    items = [] if text.lower() == "none" else [part.strip() for part in text.split(",") if part.strip()]
    if question.kind == "multi":
        unknown = [item for item in items if item not in question.choices]
        if unknown:
            raise ValueError(f"unknown: {', '.join(unknown)} (choose from: {', '.join(question.choices)})")
    return items


def ask(questions: Sequence[Question], stdin: TextIO, stdout: TextIO) -> Answers:
    """Ask each relevant question in order; re-ask a few times on a bad answer."""
    answers: Answers = {}
    for question in questions:
        if not question.when(answers):
            continue
        hint = f" [{question.default}]" if question.default not in (None, []) else ""
        if question.kind == "choice":
            hint = f" ({'/'.join(question.choices) if len(question.choices) <= 6 else 'see the fact sheet ids'}){hint}"
        for _attempt in range(MAX_ATTEMPTS):
            stdout.write(f"{question.prompt}{hint} ")
            stdout.flush()
            line = stdin.readline()
            if not line:
                raise UsageError(f"input ended before the question for {question.path}")
            try:
                answers[question.path] = parse_answer(question, line)
                break
            except ValueError as err:
                stdout.write(f"  {err}\n")
        else:
            raise UsageError(f"{question.path}: no valid answer after {MAX_ATTEMPTS} attempts")
    return answers


def sections_from(answers: Answers) -> dict[str, dict[str, Any]]:
    """The `ai_act` and `deployment` mappings the answers describe ("none" answers become null/[])."""
    sections: dict[str, dict[str, Any]] = {"ai_act": {}, "deployment": {}}
    for path, value in answers.items():
        section, key = path.split(".", 1)
        if value == "none" and key in {"safety_component_of", "derogation", "synthetic_content_exception"}:
            value = None
        if value is None and key in {"derogation", "synthetic_content_exception"}:
            continue
        sections[section][key] = value
    return sections


def merged(card: Mapping[str, Any], sections: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The card with the answered facts set (facts no question covered stay as they were)."""
    result = dict(card)
    for name, values in sections.items():
        current = card.get(name)
        base = dict(current) if isinstance(current, Mapping) else {}
        base.update(values)
        result[name] = base
    return result


def _top_level_key(line: str) -> str | None:
    if not line or line[0] in " \t#-\n\r":
        return None
    key = line.split(":", 1)[0].strip().strip("'\"")
    return key if ":" in line else None


def replace_sections(text: str, new: Mapping[str, Mapping[str, Any]]) -> str:
    """`text` with the top-level blocks named in `new` replaced (or appended); other lines untouched."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    done: set[str] = set()
    index = 0
    while index < len(lines):
        key = _top_level_key(lines[index])
        if key is not None and key in new:
            end = index + 1
            while end < len(lines) and _top_level_key(lines[end]) is None and not lines[end].startswith("#"):
                end += 1
            # Blank lines that separated the block from what follows stay in place.
            while end > index + 1 and not lines[end - 1].strip():
                end -= 1
            out.append(_dump_section(key, new[key]))
            done.add(key)
            index = end
            continue
        out.append(lines[index])
        index += 1
    missing = [name for name in new if name not in done]
    if missing:
        if out and not out[-1].endswith("\n"):
            out.append("\n")
        out.extend(_dump_section(name, new[name]) for name in missing)
    return "".join(out)


def _dump_section(name: str, values: Mapping[str, Any]) -> str:
    return yaml.safe_dump({name: dict(values)}, sort_keys=False, default_flow_style=False, width=100)


def write_card(path: Path, answers: Answers) -> dict[str, Any]:
    """Write the answers into `path` (created when absent); return the card as written."""
    from checker.evidence.card import load_card

    if path.exists():
        card = load_card(path).data
        text = path.read_text(encoding="utf-8")
    else:
        card, text = {}, ""
    wanted = merged(card, sections_from(answers))
    new_text = replace_sections(text, {name: wanted[name] for name in ("ai_act", "deployment")})
    parsed = yaml.safe_load(new_text)
    if (
        not isinstance(parsed, dict)
        or set(parsed) != set(wanted)
        or any(parsed[name] != wanted[name] for name in ("ai_act", "deployment"))
    ):
        raise InputError(f"{path}:1: cannot rewrite the ai_act/deployment sections safely; edit the card by hand")
    try:
        path.write_text(new_text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot write the card: {err.strerror}") from None
    return wanted


def run_questionnaire(path: Path, stdin: TextIO, stdout: TextIO) -> dict[str, Any]:
    """Ask, then write: the whole of `comply classify --interactive`."""
    if path.exists():
        from checker.evidence.card import load_card

        load_card(path)  # refuse an unreadable card before asking anything
    answers = ask(QUESTIONS, stdin, stdout)
    return write_card(path, answers)
