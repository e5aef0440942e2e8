"""`comply classify --interactive`: the AI Act questionnaire, one plain-language question at a time.

The questions follow the Commission's and FLI's compliance checkers: who answers, artifact and
role, scope (Art 2), one yes/no question per Art 5 practice, biometrics, the deployment context,
one yes/no question per Annex III point (each with its carve-out, asked as a follow-up where the
Annex has one), the 6(3) derogation, Annex I, Art 50, Art 111 and GPAI. Each question says when
it is relevant, so answers skip what they make irrelevant. The questionnaire writes the ids
(`ai_act.prohibited_practice_flags`, `ai_act.use_cases`, `ai_act.carve_outs`) itself.

The card's existing values are the defaults (Enter keeps them), so running it again on the same
card changes only what is answered differently. A bad answer is explained and the question asked
again; earlier answers are never lost: when input ends (Ctrl-D) or is interrupted (Ctrl-C) the
answers given so far are written, and running it again continues from them. Who answered and when
is recorded in `ai_act.assessment` (with a claimed 6(3) derogation, also in
`ai_act.derogation.{assessed_by,date}`: the Art 6(4) record).

The answers are written into the `ai_act` and `deployment` sections of a new or existing card.
The rest of the file is kept byte for byte, comments included: only the text of those two
top-level sections is replaced (keys already there that no question covers are kept; comments
*inside* those two sections are not). No round-trip YAML library is needed for that, and the
result is re-parsed and compared before anything is written.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from checker.errors import InputError, UsageError

Answers = dict[str, Any]
"""Answers so far, keyed by `Question.key` (`ai_act.uses_biometrics`, `ai_act.use_cases[employment.recruitment]`)."""

METHOD = "comply classify --interactive"

# Art 5 practices, each as one plain-language question with its carve-outs (fact sheet §2).
PRACTICE_QUESTIONS = (
    ("subliminal_manipulation",
     "Does it use subliminal, purposefully manipulative or deceptive techniques that materially distort people's "
     "behaviour and cause (or are likely to cause) them significant harm? (Ordinary persuasion without significant "
     "harm is not this.)"),
    ("exploitation_of_vulnerabilities",
     "Does it exploit people's vulnerabilities due to age, disability or a social or economic situation to distort "
     "their behaviour in a way that causes (or is likely to cause) significant harm?"),
    ("social_scoring",
     "Does it score people or groups over time on their social behaviour or personal traits, so that the score leads "
     "to detrimental treatment in unrelated contexts, or treatment out of proportion to the behaviour? (Public and "
     "private operators alike.)"),
    ("criminal_risk_profiling",
     "Does it predict whether a person will commit a crime solely from profiling or personality traits? (Not: "
     "supporting a human assessment already based on objective, verifiable facts linked to a crime.)"),
    ("facial_scraping",
     "Does it build or expand a facial-recognition database by untargeted scraping of face images from the internet "
     "or CCTV footage?"),
    ("emotion_recognition_work_education",
     "Does it infer the emotions of people at a workplace or in an education institution? (Not: for medical or "
     "safety reasons; fatigue or pain alone are not emotions; customers are not covered.)"),
    ("biometric_categorisation_sensitive",
     "Does it categorise people from biometric data to infer their race, political opinions, trade-union membership, "
     "religious or philosophical beliefs, sex life or sexual orientation? (Not: labelling or filtering lawfully "
     "acquired biometric datasets; not categorisation in law enforcement.)"),
    ("realtime_rbi_law_enforcement",
     "Is it used for real-time remote biometric identification of people in publicly accessible spaces for law "
     "enforcement? (Answer yes even if a 5(2)-(3) exception is relied on: the exception is declared in ai_act.rbi.)"),
    ("non_consensual_intimate_imagery",
     "Can it generate sexually explicit or intimate images, audio or video of identifiable real people without their "
     "consent? (No if effective technical safeguards prevent it.)"),
    ("csam_generation",
     "Can it generate child sexual abuse material? (No if effective technical safeguards prevent it.)"),
)  # fmt: skip

# Annex III points, each as one plain-language question (fact sheet §4).
USE_CASE_QUESTIONS = (
    ("biometrics.remote_identification",
     "Does it recognise or identify people from biometric data such as faces, voices or fingerprints?"),
    ("biometrics.categorisation_sensitive",
     "Does it sort people into categories by sensitive or protected attributes (e.g. sex, age, ethnic origin, "
     "disability) inferred from biometric data?"),
    ("biometrics.emotion_recognition",
     "Does it recognise emotions or intentions from biometric data? (Fatigue or pain alone are not emotions.)"),
    ("critical_infrastructure.safety_component",
     "Is it a safety component in managing or operating critical digital infrastructure, road traffic, or the supply "
     "of water, gas, heating or electricity?"),
    ("education.access_admission",
     "Does it decide on access or admission to education or vocational training, or assign people to institutions?"),
    ("education.learning_outcomes", "Does it evaluate learning outcomes, including to steer a person's learning?"),
    ("education.level_assessment",
     "Does it assess the level of education a person will receive or be able to access?"),
    ("education.test_proctoring", "Does it monitor or detect prohibited behaviour of students during tests?"),
    ("employment.recruitment",
     "Is it used to recruit or select people: placing targeted job ads, filtering applications, evaluating "
     "candidates?"),
    ("employment.work_relationship_decisions",
     "Does it make or support decisions on work terms, promotion or termination, allocate tasks from behaviour or "
     "personal traits, or monitor and evaluate workers' performance?"),
    ("essential_services.public_benefits",
     "Is it used by or for public authorities to evaluate whether people are eligible for public assistance benefits "
     "or services (including healthcare), or to grant, reduce, revoke or reclaim them?"),
    ("essential_services.creditworthiness",
     "Does it evaluate the creditworthiness of natural persons or establish their credit score, or screen their "
     "credit applications or transactions?"),
    ("essential_services.life_health_insurance",
     "Is it used for risk assessment and pricing of life or health insurance for natural persons? (Motor or property "
     "insurance is not this.)"),
    ("essential_services.emergency_dispatch",
     "Does it evaluate or classify emergency calls, dispatch or prioritise emergency first responders, or triage "
     "patients in emergency healthcare?"),
    ("law_enforcement.victim_risk",
     "Is it used by or for law enforcement to assess the risk of a person becoming a victim of crime?"),
    ("law_enforcement.polygraph", "Is it used by or for law enforcement as a polygraph or a similar tool?"),
    ("law_enforcement.evidence_reliability",
     "Is it used by or for law enforcement to evaluate the reliability of evidence?"),
    ("law_enforcement.offending_risk",
     "Is it used by or for law enforcement to assess the risk of a person offending or re-offending (not solely from "
     "profiling), or to assess personality traits or past criminal behaviour?"),
    ("law_enforcement.profiling",
     "Is it used by or for law enforcement to profile people when detecting, investigating or prosecuting crime?"),
    ("migration.polygraph",
     "Is it used in migration, asylum or border control as a polygraph or a similar tool?"),
    ("migration.risk_assessment",
     "Is it used in migration, asylum or border control to assess a security, irregular-migration or health risk "
     "posed by a person who intends to enter or has entered?"),
    ("migration.application_examination",
     "Does it help examine applications for asylum, visas or residence permits and related complaints, including "
     "the reliability of evidence?"),
    ("migration.identification",
     "Is it used in migration, asylum or border control to detect, recognise or identify people?"),
    ("justice.judicial_assistance",
     "Does it help a judicial authority (or an alternative dispute resolution body) research and interpret facts and "
     "the law, or apply the law to facts?"),
    ("democratic_processes.election_influence",
     "Is it intended to influence the outcome of an election or referendum, or people's voting behaviour?"),
)  # fmt: skip

# The Annex's carve-outs, asked after a yes to their point: a yes records the carve-out instead.
CARVE_OUT_QUESTIONS = (
    ("financial_fraud_detection", "essential_services.creditworthiness",
     "Is detecting financial fraud its only purpose? (Annex III 5(b) carves fraud detection out.)"),
    ("biometric_verification", "biometrics.remote_identification",
     "Is its only purpose 1:1 verification, confirming that a person is who they claim to be (e.g. unlocking a "
     "phone, entering a building)? (Annex III 1(a) carves that out.)"),
    ("travel_document_verification", "migration.identification",
     "Is it used only to verify travel documents? (Annex III 7(d) carves that out.)"),
    ("campaign_logistics", "democratic_processes.election_influence",
     "Is it only a back-office tool to organise, optimise or structure political campaigns, whose output voters "
     "never see? (Annex III 8(b) carves that out.)"),
)  # fmt: skip

PRACTICES = tuple(practice for practice, _ in PRACTICE_QUESTIONS)
USE_CASES = tuple(use_case for use_case, _ in USE_CASE_QUESTIONS)
CARVE_OUTS = tuple(carve_out for carve_out, _, _ in CARVE_OUT_QUESTIONS)
CARVED_POINT = {carve_out: point for carve_out, point, _ in CARVE_OUT_QUESTIONS}
LISTS = {
    "ai_act.prohibited_practice_flags": PRACTICES,
    "ai_act.use_cases": USE_CASES,
    "ai_act.carve_outs": CARVE_OUTS,
}

# The traits the policy knows (policies/classification.rego): banned by 5(1)(g), protected, other.
CATEGORISATION_TRAITS = (
    "race", "political_opinions", "trade_union_membership", "religious_beliefs", "philosophical_beliefs",
    "sex_life", "sexual_orientation", "sex", "gender", "age", "disability", "ethnic_origin", "nationality", "health",
    "hair_colour", "eye_colour", "height", "body_shape", "facial_hair", "glasses", "clothing", "tattoos",
)  # fmt: skip

ANNEX_I = tuple(f"annex1.a.{n}" for n in range(1, 13)) + tuple(f"annex1.b.{n}" for n in range(13, 21))

ROLES = ("provider", "deployer", "importer", "distributor")

DEROGATIONS = (
    "narrow_procedural_task", "improves_completed_human_activity", "detects_decision_pattern_deviations",
    "preparatory_task",
)  # fmt: skip

# Art 111(2): a high-risk system placed on the market before this date is caught only by a significant change.
LEGACY_CUTOFF = "2026-08-02"

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _always(answers: Answers) -> bool:
    return True


@dataclass(frozen=True)
class Question:
    """One fact to ask for: where it goes, how it is typed, and when it matters.

    `kind`: bool | choice | multi | text_list | number | text | date | change | member. A `member` question is a yes/no
    about one id of the list at `path` (`member`): yes puts the id in the list, no takes it out.
    """

    path: str
    prompt: str
    kind: str
    choices: tuple[str, ...] = ()
    default: Any = None
    when: Callable[[Answers], bool] = _always
    member: str = ""
    optional: bool = False

    @property
    def key(self) -> str:
        return f"{self.path}[{self.member}]" if self.member else self.path


def _is(key: str, *values: Any) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(key) in values


def _system(answers: Answers) -> bool:
    return answers.get("ai_act.artifact") != "model" and answers.get("ai_act.in_scope_exclusion") not in (
        "military",
        "research",
    )


def _both(*tests: Callable[[Answers], bool]) -> Callable[[Answers], bool]:
    return lambda answers: all(test(answers) for test in tests)


def _members(answers: Answers, path: str) -> set[str]:
    """The ids answered yes for the list at `path`, carve-outs applied."""
    chosen = {key[len(path) + 1 : -1] for key, value in answers.items() if key.startswith(f"{path}[") and value}
    if path == "ai_act.use_cases":
        chosen -= {CARVED_POINT[c] for c in _members(answers, "ai_act.carve_outs")}
    return chosen


def _has_use_cases(answers: Answers) -> bool:
    return _system(answers) and bool(_members(answers, "ai_act.use_cases"))


def _biometric(function: str) -> Callable[[Answers], bool]:
    return _both(_system, _is("ai_act.uses_biometrics", True), _is("ai_act.biometric_function", function))


def _may_be_high_risk(answers: Answers) -> bool:
    return _has_use_cases(answers) or answers.get("ai_act.safety_component_of") not in (None, "none")


def _legacy(answers: Answers) -> bool:
    placed = answers.get("ai_act.placed_on_market")
    return _may_be_high_risk(answers) and isinstance(placed, str) and placed < LEGACY_CUTOFF


def _generates_text(answers: Answers) -> bool:
    return _system(answers) and "text" in (answers.get("ai_act.content_types") or [])


def _transparency_trigger(answers: Answers) -> bool:
    return _system(answers) and (
        answers.get("ai_act.interacts_with_natural_persons") is True
        or answers.get("ai_act.generates_synthetic_content") is True
    )


def _practice(practice: str, prompt: str) -> Question:
    return Question("ai_act.prohibited_practice_flags", prompt, "member", member=practice, when=_system)


def _use_case(use_case: str, prompt: str) -> Question:
    return Question("ai_act.use_cases", prompt, "member", member=use_case, when=_system)


def _carve_out(carve_out: str, point: str, prompt: str) -> Question:
    return Question(
        "ai_act.carve_outs",
        prompt,
        "member",
        member=carve_out,
        when=_both(_system, _is(f"ai_act.use_cases[{point}]", True)),
    )


def _annex_iii_questions() -> tuple[Question, ...]:
    questions: list[Question] = []
    for use_case, prompt in USE_CASE_QUESTIONS:
        questions.append(_use_case(use_case, prompt))
        questions.extend(_carve_out(c, point, text) for c, point, text in CARVE_OUT_QUESTIONS if point == use_case)
    return tuple(questions)


QUESTIONS: tuple[Question, ...] = (
    Question("ai_act.assessment.answered_by", "Who is answering (name and role, recorded in the card)?", "text"),
    Question("ai_act.artifact", "Is this an AI system, a model only, or both?", "choice", ("system", "model", "model_and_system"), "system"),
    Question(
        "ai_act.role",
        "What is your role? provider (you develop it or have it developed and offer it under your name), deployer "
        "(you use it in your work), importer (you bring a provider's system from outside the EU onto the EU market), "
        "distributor (you pass it on in the supply chain); more than one is allowed, comma-separated (both = "
        "provider, deployer: an in-house system)",
        "multi", ROLES, ["provider"],
    ),
    Question(
        "ai_act.in_scope_exclusion",
        "Is it used exclusively for military/defence, solely for scientific research, or purely personally?",
        "choice", ("none", "military", "research", "personal"), "none",
        when=lambda a: a.get("ai_act.artifact") != "model",
    ),
    *(_practice(practice, prompt) for practice, prompt in PRACTICE_QUESTIONS),
    Question("ai_act.uses_biometrics", "Does it process biometric data (faces, voices, fingerprints, gait, ...)?", "bool", when=_system),
    Question(
        "ai_act.biometric_function", "What does it do with biometric data?", "choice",
        ("identification", "verification", "categorisation", "emotion_recognition", "none"),
        when=_both(_system, _is("ai_act.uses_biometrics", True)),
    ),
    Question("ai_act.biometric_timing", "Does it identify people in real time, or later from recordings?", "choice", ("real_time", "post"), when=_biometric("identification")),
    Question("ai_act.biometric_categorisation_attributes", "Which traits does it infer? (comma-separated, e.g. age, sex, hair_colour)", "multi", CATEGORISATION_TRAITS, when=_biometric("categorisation")),
    Question("ai_act.emotion_recognition_reason", "Why does it recognise emotions?", "choice", ("medical", "safety", "other"), when=_biometric("emotion_recognition")),
    Question(
        "deployment.deployer_type", "Who deploys it?", "choice",
        ("private", "public_authority", "public_service", "union_institution", "natural_person_personal"), "private",
        when=_system,
    ),
    Question("deployment.law_enforcement", "Is it used for law enforcement?", "bool", default=False, when=_system),
    Question(
        "deployment.publicly_accessible_space", "Is it used in publicly accessible spaces?", "bool", default=False,
        when=_biometric("identification"),
    ),
    Question("deployment.workplace", "Is it used at a workplace (on workers)?", "bool", default=False, when=_system),
    Question("deployment.education_institution", "Is it used in an education institution?", "bool", default=False, when=_system),
    *_annex_iii_questions(),
    Question(
        "ai_act.derogation", "Does an Art 6(3) derogation apply (it does not materially influence decisions)? none or the condition", "choice",
        ("none", *DEROGATIONS), "none", when=_has_use_cases,
    ),
    Question(
        "ai_act.derogation.rationale", "Why does that condition hold (recorded as the Art 6(4) assessment)?", "text",
        when=lambda a: _has_use_cases(a) and a.get("ai_act.derogation") not in (None, "none"),
    ),
    Question("ai_act.profiling", "Does it profile natural persons (GDPR Art 4(4))?", "bool", when=_has_use_cases),
    Question(
        "ai_act.decision_effect_on_persons", "Do its outputs feed decisions with legal or similarly significant effects on people?", "choice",
        ("none", "similar", "legal"), "none", when=_has_use_cases,
    ),
    Question("ai_act.safety_component_of", "Is it (a safety component of) an Annex I product? none or the id, e.g. annex1.a.11", "choice", ("none", *ANNEX_I), "none", when=_system),
    Question(
        "ai_act.third_party_conformity_required", "Does that product need third-party conformity assessment?", "bool",
        when=lambda a: _system(a) and a.get("ai_act.safety_component_of") not in (None, "none"),
    ),
    Question("ai_act.interacts_with_natural_persons", "Does it interact directly with people?", "bool", when=_system),
    Question(
        "ai_act.interaction_obvious_from_circumstances",
        "Is it obvious from the circumstances to a reasonably well-informed person that they deal with an AI system?", "bool",
        default=False, when=_both(_system, _is("ai_act.interacts_with_natural_persons", True)),
    ),
    Question("ai_act.generates_synthetic_content", "Does it generate synthetic audio, images, video or text?", "bool", when=_system),
    Question(
        "ai_act.content_types", "Which content types? (comma-separated: text, image, audio, video)", "multi", ("text", "image", "audio", "video"),
        when=_both(_system, _is("ai_act.generates_synthetic_content", True)),
    ),
    Question(
        "ai_act.publishes_public_interest_text", "Is text it generates published to inform the public on matters of public interest?", "bool",
        when=_generates_text,
    ),
    Question(
        "ai_act.synthetic_content_exception", "Does it only assist standard editing, or not substantially alter the input? none or the exception",
        "choice", ("none", "assistive_editing", "no_substantial_alteration_of_semantics"), "none",
        when=_both(_system, _is("ai_act.generates_synthetic_content", True)),
    ),
    Question(
        "ai_act.criminal_law_exception",
        "Is it authorised by law to detect, prevent, investigate or prosecute criminal offences (and not open to the public to report one)?",
        "bool", default=False, when=_both(_transparency_trigger, _is("deployment.law_enforcement", True)),
    ),
    Question(
        "ai_act.placed_on_market", "When was it first placed on the market or put into service? (leave empty if not yet)", "date",
        optional=True,
    ),
    Question(
        "ai_act.significant_change_since",
        f"Has its design changed significantly since {LEGACY_CUTOFF}? (yes, no, or the date of the first change)", "change",
        when=_legacy,
    ),
    Question(
        "ai_act.general_purpose", "Is the model general-purpose (competent across many distinct tasks)?", "bool",
        when=_is("ai_act.artifact", "model", "model_and_system"),
    ),
    Question("ai_act.training_compute_flops", "Cumulative training compute in FLOP (e.g. 3e24)?", "number", when=_is("ai_act.general_purpose", True)),
    Question("ai_act.open_weights", "Are the weights published under a free and open-source licence?", "bool", default=False, when=_is("ai_act.general_purpose", True)),
)  # fmt: skip


class Interrupted(Exception):
    """Input ended or was interrupted before `question`; `answers` holds what was answered until then."""

    def __init__(self, question: Question, answers: Answers) -> None:
        super().__init__(question.key)
        self.question = question
        self.answers = answers


def _lookup(card: Mapping[str, Any], path: str) -> Any:
    value: Any = card
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def existing_answer(question: Question, card: Mapping[str, Any]) -> Any:
    """The card's current value as this question's answer, or None when the card does not say (or says
    something the question cannot offer)."""
    value = _lookup(card, question.path)
    if question.path == "ai_act.derogation" and isinstance(value, Mapping):
        value = value.get("condition")
    if question.path == "ai_act.role" and isinstance(value, str):
        value = [value]
    if question.path == "ai_act.role" and isinstance(value, list):
        value = [role for role in ROLES if role in value] if set(value) <= set(ROLES) and value else None
    if question.kind == "member":
        return None if not isinstance(value, list) else question.member in value
    if question.kind == "choice":
        value = "none" if value is None and "none" in question.choices and question.path in _NULLABLE else value
        return value if value in question.choices else None
    if question.kind == "bool":
        return value if isinstance(value, bool) else None
    if question.kind in {"multi", "text_list"}:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return None
        # The card's own list, unknown items included (the policy asks about those): Enter keeps it.
        return value
    if question.kind == "number":
        if isinstance(value, str):
            try:
                return value if float(value) >= 0 else None
            except ValueError:
                return None
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if question.kind == "change":
        return value if isinstance(value, bool) or (isinstance(value, str) and ISO_DATE.match(value)) else None
    return value if isinstance(value, str) and value.strip() else None


def _yes_no(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"y", "yes", "true"}:
        return True
    if lowered in {"n", "no", "false"}:
        return False
    raise ValueError("answer y (yes) or n (no)")


def _date(text: str) -> str:
    try:
        if ISO_DATE.match(text):
            return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise ValueError("a date as YYYY-MM-DD, e.g. 2025-03-01")


def parse_answer(question: Question, text: str, default: Any = None) -> Any:
    """The typed value of one answer (Enter gives `default`), or ValueError saying what is accepted."""
    text = text.strip()
    if not text:
        if default is not None:
            return default
        if question.optional:
            return None
        raise ValueError("an answer is required")
    if question.kind in {"bool", "member"}:
        return _yes_no(text)
    if question.kind == "choice":
        if text in question.choices:
            return text
        if text.isdigit() and 1 <= int(text) <= len(question.choices):
            return question.choices[int(text) - 1]
        shown = ", ".join(question.choices) if len(question.choices) <= 6 else "none or an id of the fact sheet"
        raise ValueError(f"choose one of: {shown}")
    if question.kind == "number":
        try:
            value = float(text)
        except ValueError:
            raise ValueError("a number, e.g. 3e24") from None
        if not value >= 0 or value == float("inf"):
            raise ValueError("a non-negative number")
        return value
    if question.kind == "date":
        return _date(text)
    if question.kind == "change":
        try:
            return _yes_no(text)
        except ValueError:
            pass
        try:
            return _date(text)
        except ValueError:
            raise ValueError("answer y, n or the date of the first significant change (YYYY-MM-DD)") from None
    if question.kind == "text":
        return text
    items = [] if text.lower() == "none" else [part.strip() for part in text.split(",") if part.strip()]
    if question.path == "ai_act.role":
        named = {role for item in items for role in (("provider", "deployer") if item == "both" else (item,))}
        if not named or not named <= set(ROLES):
            raise ValueError(f"one or more of: {', '.join(ROLES)} (comma-separated), or both")
        return [role for role in ROLES if role in named]
    if question.kind == "multi":
        unknown = [item for item in items if item not in question.choices]
        if unknown:
            raise ValueError(f"unknown: {', '.join(unknown)} (choose from: {', '.join(question.choices)})")
    return items


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return str(value)


def hint(question: Question, default: Any) -> str:
    """What to type, in brackets: `[y/n]` (`[Y/n]`, `[y/N]` with a default), the choices, or Enter's value."""
    if question.kind in {"bool", "member"}:
        return {None: "[y/n]", True: "[Y/n]", False: "[y/N]"}[default]
    if question.kind == "choice":
        options = "/".join(question.choices) if len(question.choices) <= 6 else "none or an id"
    elif question.kind == "multi" and len(question.choices) <= 6:
        options = ", ".join(question.choices) + ", comma-separated"
    elif question.kind == "change":
        options = "y/n/YYYY-MM-DD"
    elif question.kind == "date":
        options = "YYYY-MM-DD"
    elif question.kind == "number":
        options = "number"
    else:
        options = "text"
    if default is not None:
        return f"[{options}; Enter = {_shown(default)}]"
    if question.optional:
        return f"[{options}; Enter = not stated]"
    return f"[{options}]"


def ask(
    questions: Sequence[Question],
    stdin: TextIO,
    stdout: TextIO,
    card: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Answers:
    """Ask each relevant question in order, re-asking a bad answer until it is good.

    Raises Interrupted (with the answers so far) when input ends or Ctrl-C is pressed.
    """
    answers: Answers = {}
    heading = ""
    for question in questions:
        if not question.when(answers):
            continue
        default = existing_answer(question, card or {})
        if default is None and question.path == "ai_act.carve_outs":
            # A card that declares the point does not claim its carve-out.
            declared = _lookup(card or {}, "ai_act.use_cases")
            default = False if isinstance(declared, list) and CARVED_POINT[question.member] in declared else None
        if default is None:
            default = (defaults or {}).get(question.key, question.default)
        section = _SECTION_OF.get(question.key, "")
        if section and section != heading:
            stdout.write(f"\n{section}\n")
            heading = section
        while True:
            stdout.write(f"{question.prompt} {hint(question, default)} ")
            stdout.flush()
            try:
                line = stdin.readline()
            except KeyboardInterrupt:
                raise Interrupted(question, answers) from None
            if not line:
                raise Interrupted(question, answers)
            try:
                answers[question.key] = parse_answer(question, line, default)
                break
            except ValueError as err:
                stdout.write(f"  {err}; your earlier answers are kept, try again\n")
    return answers


def _section_headings() -> dict[str, str]:
    headings = {
        f"ai_act.prohibited_practice_flags[{PRACTICES[0]}]": "Art 5: prohibited practices (one question each)",
        "ai_act.uses_biometrics": "Biometrics",
        "deployment.deployer_type": "Where and by whom it is used",
        f"ai_act.use_cases[{USE_CASES[0]}]": "Annex III: high-risk uses (one question per point)",
        "ai_act.derogation": "Art 6(3): not high-risk after all?",
        "ai_act.safety_component_of": "Annex I products",
        "ai_act.interacts_with_natural_persons": "Art 50: transparency",
        "ai_act.placed_on_market": "Art 111: already on the market?",
        "ai_act.general_purpose": "General-purpose AI model",
    }
    return headings


_SECTION_OF = _section_headings()

# Claims whose null on an existing card means "not claimed" (offered back as the default "none"; the
# questionnaire writes "none" itself). A null safety_component_of is a fact not stated, so it is not offered back.
_NULLABLE = {"ai_act.derogation", "ai_act.synthetic_content_exception"}


def _with_list(current: Any, canonical: Sequence[str], chosen: set[str], refused: set[str]) -> list[str]:
    """`current` (a list, or nothing) with the `chosen` ids added and the `refused` ones removed, in the
    canonical order; ids the questionnaire does not know stay, after them."""
    kept = [item for item in current if isinstance(item, str)] if isinstance(current, list) else []
    result = (set(kept) | chosen) - refused
    return [item for item in canonical if item in result] + [
        item for item in kept if item in result and item not in canonical
    ]


def sections_from(
    answers: Answers, card: Mapping[str, Any], *, answered_by: str | None, now: str, complete: bool
) -> dict[str, dict[str, Any]]:
    """The `ai_act` and `deployment` values the answers set (merged later over what the card has)."""
    sections: dict[str, dict[str, Any]] = {"ai_act": {}, "deployment": {}}
    current = card.get("ai_act")
    ai: Mapping[str, Any] = current if isinstance(current, Mapping) else {}
    for key, value in answers.items():
        if "[" in key or key.startswith(("ai_act.assessment.", "ai_act.derogation.")):
            continue
        section, name = key.split(".", 1)
        if key == "ai_act.role" and isinstance(value, list) and len(value) == 1:
            value = value[0]
        sections[section][name] = value
    for path, canonical in LISTS.items():
        asked = {key[len(path) + 1 : -1]: value for key, value in answers.items() if key.startswith(f"{path}[")}
        if not asked:
            continue
        chosen = {member for member, yes in asked.items() if yes}
        refused = {member for member, yes in asked.items() if not yes}
        if path == "ai_act.use_cases":
            carved = {CARVED_POINT[c] for c in _members(answers, "ai_act.carve_outs")}
            chosen, refused = chosen - carved, refused | carved
        name = path.split(".", 1)[1]
        sections["ai_act"][name] = _with_list(ai.get(name), canonical, chosen, refused)
    confirmed = [
        name
        for name, path in (
            ("use_cases", "ai_act.use_cases"),
            ("prohibited_practice_flags", "ai_act.prohibited_practice_flags"),
        )
        if _every_point_answered(answers, path) and not sections["ai_act"].get(name)
    ]
    if confirmed:
        earlier = ai.get("confirmed_empty")
        known = {item for item in earlier if isinstance(item, str)} if isinstance(earlier, list) else set()
        sections["ai_act"]["confirmed_empty"] = sorted(known | set(confirmed))
    condition = sections["ai_act"].get("derogation")
    if isinstance(condition, str) and condition != "none":
        sections["ai_act"]["derogation"] = {
            "condition": condition,
            "rationale": answers.get("ai_act.derogation.rationale", ""),
            "assessed_by": answered_by or "",
            "date": now[:10],
        }
    if answered_by:
        sections["ai_act"]["assessment"] = {
            "answered_by": answered_by,
            "answered_at": now,
            "method": METHOD,
            "complete": complete,
        }
    return sections


def _every_point_answered(answers: Answers, path: str) -> bool:
    return all(f"{path}[{member}]" in answers for member in LISTS[path])


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


def write_card(path: Path, sections: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Write the answered sections into `path` (created when absent); return the card as written."""
    from checker.evidence.card import load_card

    if path.exists():
        card = load_card(path).data
        text = path.read_text(encoding="utf-8")
    else:
        card, text = {}, ""
    wanted = merged(card, sections)
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


def default_answerer() -> str | None:
    """Who is probably answering: git's user.name, else the login name (offered as the default only)."""
    try:
        done = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser() or None
    except (OSError, KeyError):
        return None


def now_utc() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def run_questionnaire(path: Path, stdin: TextIO, stdout: TextIO) -> dict[str, Any]:
    """Ask, then write: the whole of `comply classify --interactive`.

    When input ends early the answers given so far are written (and the card records that the
    questionnaire is incomplete), then a UsageError says where it stopped.
    """
    card: dict[str, Any] = {}
    if path.exists():
        from checker.evidence.card import load_card

        card = load_card(path).data  # refuse an unreadable card before asking anything
    defaults = {"ai_act.assessment.answered_by": default_answerer()}
    complete, stopped_at = True, ""
    try:
        answers = ask(QUESTIONS, stdin, stdout, card, defaults)
    except Interrupted as stop:
        answers, complete, stopped_at = stop.answers, False, stop.question.key
        stdout.write("\n")
        if not answers:
            raise UsageError(f"input ended before the question for {stop.question.key}; nothing written") from None
    answered_by = answers.get("ai_act.assessment.answered_by")
    sections = sections_from(
        answers,
        card,
        answered_by=answered_by if isinstance(answered_by, str) else None,
        now=now_utc(),
        complete=complete,
    )
    written = write_card(path, sections)
    if not complete:
        raise UsageError(
            f"input ended before the question for {stopped_at}: the {len(answers)} answers given so far are "
            f"saved in {path}; run `comply classify --interactive {path}` again to continue (they are the defaults)"
        )
    return written
