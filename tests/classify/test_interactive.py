"""`comply classify --interactive` driven as a person drives it: through a real terminal (a pty), the CLI
as a subprocess, one question at a time, answers typed after each prompt. A few cases are piped instead
(stdin not a terminal), which the questionnaire must also accept."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import EXAMPLES, ROOT, comply

AS_OF = ("--reference-date", "2028-01-01")
PROMPT_END = re.compile(r"\] $")
MAX_PROMPTS = 200


class Terminal:
    """`python -m checker ARGS` on a pseudo-terminal: read up to each prompt, type an answer."""

    def __init__(self, *args: str) -> None:
        env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
        env.update({"NO_COLOR": "1", "RUST_BACKTRACE": "1", "PYTHONPATH": str(ROOT), "TERM": "dumb"})
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "checker", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        self.transcript = ""
        self.prompts: list[str] = []

    def _read(self, timeout: float) -> str | None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            raise AssertionError(f"no output for {timeout}s; transcript tail:\n{self.transcript[-2000:]}")
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the terminal
            return None
        return chunk.decode("utf-8", "replace") if chunk else None

    def next_prompt(self, timeout: float = 60) -> str | None:
        """The next question as shown (None once the program has ended)."""
        pending = ""
        while not PROMPT_END.search(pending):
            chunk = self._read(timeout)
            if chunk is None:
                self.transcript += pending
                return None
            pending += chunk
        self.transcript += pending
        prompt = pending.replace("\r\n", "\n").rstrip("\n").split("\n")[-1]
        self.prompts.append(prompt)
        return prompt

    def type(self, text: str) -> None:
        os.write(self.master, text.encode("utf-8"))

    def answer_all(self, answer: Callable[[str], str | None], timeout: float = 60) -> int:
        """Answer every prompt with `answer(prompt)` (None: press Ctrl-D) until the program ends."""
        while (prompt := self.next_prompt(timeout)) is not None:
            if len(self.prompts) > MAX_PROMPTS:  # an answer the program keeps refusing
                self.process.kill()
                raise AssertionError(f"more than {MAX_PROMPTS} prompts; last: {prompt}")
            reply = answer(prompt)
            self.type("\x04" if reply is None else reply + "\r")
        os.close(self.master)
        return self.process.wait(timeout=timeout)


def credit_answers(prompt: str, *, bad_once: list[bool]) -> str:
    """A credit-scoring provider's answers; the creditworthiness question first gets a bad answer."""
    table = {
        "Who is answering": "Jane Doe (product owner)",
        "creditworthiness of natural persons": "y",
        "detecting financial fraud its only purpose": "n",
        "profile natural persons": "y",
        "legal or similarly significant": "legal",
        "first placed on the market": "2025-03-01",
        "changed significantly": "n",
        "Who deploys it": "private",
    }
    for needle, reply in table.items():
        if needle in prompt:
            if needle == "creditworthiness of natural persons" and not bad_once:
                bad_once.append(True)
                return "maybe"
            return reply
    if "[y/n]" in prompt:
        return "n"
    return ""  # Enter: the offered default


def test_a_new_card_through_a_terminal_with_a_bad_answer_on_the_way(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    terminal = Terminal("classify", "--interactive", str(card))
    bad_once: list[bool] = []
    code = terminal.answer_all(lambda prompt: credit_answers(prompt, bad_once=bad_once))
    assert code == 0, terminal.transcript[-3000:]
    transcript = terminal.transcript
    # One yes/no question per Art 5 practice and per Annex III point, each showing [y/n].
    assert sum("[y/n]" in p for p in terminal.prompts) >= 10 + 25
    assert any("manipulative or deceptive" in p for p in terminal.prompts)
    assert any("fatigue or pain alone are not emotions" in p for p in terminal.prompts)
    assert any("Motor or property insurance is not this" in p for p in terminal.prompts)
    # The bad answer is explained, nothing is lost, the same question comes again.
    assert "answer y (yes) or n (no); your earlier answers are kept" in transcript
    asked = [p for p in terminal.prompts if "creditworthiness of natural persons" in p]
    assert len(asked) == 2
    # Irrelevant questions are skipped.
    assert not any("real time, or later" in p for p in terminal.prompts)
    assert "wrote the ai_act and deployment sections" in transcript
    written = yaml.safe_load(card.read_text(encoding="utf-8"))
    ai = written["ai_act"]
    assert ai["use_cases"] == ["essential_services.creditworthiness"]
    assert ai["prohibited_practice_flags"] == [] and ai["carve_outs"] == []
    assert ai["confirmed_empty"] == ["prohibited_practice_flags"]
    assert ai["placed_on_market"] == "2025-03-01" and ai["significant_change_since"] is False
    record = ai["assessment"]
    assert record["answered_by"] == "Jane Doe (product owner)"
    assert record["method"] == "comply classify --interactive" and record["complete"] is True
    answered_at = dt.datetime.fromisoformat(record["answered_at"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - answered_at).total_seconds()) < 600
    done = comply("classify", str(card), "--format", "json", *AS_OF)
    result = json.loads(done.stdout)
    assert result["tier"] == "high"
    assert {r["basis"] for r in result["reasons"]} == {"annex3.5.b", "art111.2"}


def test_running_again_offers_every_earlier_answer_as_the_default(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    bad_once: list[bool] = [True]
    assert (
        Terminal("classify", "--interactive", str(card)).answer_all(
            lambda prompt: credit_answers(prompt, bad_once=bad_once)
        )
        == 0
    )
    before = yaml.safe_load(card.read_text(encoding="utf-8"))
    terminal = Terminal("classify", "--interactive", str(card))
    assert terminal.answer_all(lambda prompt: "") == 0, terminal.transcript[-2000:]
    after = yaml.safe_load(card.read_text(encoding="utf-8"))
    for record in (before, after):
        record["ai_act"].pop("assessment")
    assert after == before
    credit = next(p for p in terminal.prompts if "creditworthiness of natural persons" in p)
    assert credit.endswith("[Y/n] ")
    social = next(p for p in terminal.prompts if "social behaviour" in p)
    assert social.endswith("[y/N] ")
    assert any("Enter = Jane Doe (product owner)" in p for p in terminal.prompts)
    assert any("Enter = 2025-03-01" in p for p in terminal.prompts)


def test_ctrl_d_saves_the_answers_so_far_and_the_next_run_continues(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    reached: list[str] = []

    def stop_at_annex_iii(prompt: str) -> str | None:
        if "recruit or select people" in prompt:
            reached.append(prompt)
            return None  # Ctrl-D
        if "Who is answering" in prompt:
            return "Sam Roe (compliance)"
        if "Does it score people" in prompt:
            return "y"
        return "n" if "[y/n]" in prompt else ""

    terminal = Terminal("classify", "--interactive", str(card))
    assert terminal.answer_all(stop_at_annex_iii) == 2
    assert reached
    assert "saved in" in terminal.transcript and "again to continue" in terminal.transcript
    assert "Traceback" not in terminal.transcript
    ai = yaml.safe_load(card.read_text(encoding="utf-8"))["ai_act"]
    assert ai["prohibited_practice_flags"] == ["social_scoring"]
    assert ai["assessment"]["complete"] is False and ai["assessment"]["answered_by"] == "Sam Roe (compliance)"
    assert "use_cases" not in ai or "employment.recruitment" not in ai["use_cases"]
    # The next run starts from those answers: Enter keeps the declared practice.
    terminal = Terminal("classify", "--interactive", str(card))
    assert terminal.answer_all(lambda prompt: "n" if "[y/n]" in prompt else "") == 0
    ai = yaml.safe_load(card.read_text(encoding="utf-8"))["ai_act"]
    assert ai["prohibited_practice_flags"] == ["social_scoring"] and ai["assessment"]["complete"] is True
    assert any("social behaviour" in p and p.endswith("[Y/n] ") for p in terminal.prompts)


def test_carve_out_records_the_carve_out_instead_of_the_point(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"

    def fraud_detector(prompt: str) -> str:
        if "Who is answering" in prompt:
            return "Ana (risk)"
        if "creditworthiness of natural persons" in prompt or "detecting financial fraud" in prompt:
            return "y"
        return "n" if "[y/n]" in prompt else ""

    assert Terminal("classify", "--interactive", str(card)).answer_all(fraud_detector) == 0
    ai = yaml.safe_load(card.read_text(encoding="utf-8"))["ai_act"]
    assert ai["use_cases"] == [] and ai["carve_outs"] == ["financial_fraud_detection"]
    assert sorted(ai["confirmed_empty"]) == ["prohibited_practice_flags", "use_cases"]
    done = comply("classify", str(card), "--format", "json", *AS_OF)
    result = json.loads(done.stdout)
    assert result["tier"] == "minimal"
    assert any("carve-out financial_fraud_detection" in note for note in result["notes"])


def test_a_claimed_derogation_is_the_art_6_4_record(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"

    def router(prompt: str) -> str:
        table = {
            "Who is answering": "Lee Park (product owner)",
            "Does it help examine applications for asylum": "y",
            "Art 6(3) derogation": "narrow_procedural_task",
            "Why does that condition hold": "sorts incoming files by language; decides nothing",
            "profile natural persons": "n",
            "Who deploys it": "public_authority",
            "What is your role?": "both",
        }
        for needle, reply in table.items():
            if needle in prompt:
                return reply
        return "n" if "[y/n]" in prompt else ""

    assert Terminal("classify", "--interactive", str(card)).answer_all(router) == 0
    ai = yaml.safe_load(card.read_text(encoding="utf-8"))["ai_act"]
    derogation = ai["derogation"]
    assert derogation["condition"] == "narrow_procedural_task"
    assert derogation["rationale"] == "sorts incoming files by language; decides nothing"
    assert derogation["assessed_by"] == "Lee Park (product owner)"
    assert derogation["date"] == ai["assessment"]["answered_at"][:10]
    assert ai["role"] == ["provider", "deployer"]
    result = json.loads(comply("classify", str(card), "--format", "json", *AS_OF).stdout)
    assert result["tier"] == "minimal"
    assert "art6.3.a" in {r["basis"] for r in result["reasons"]}


def test_importer_and_distributor_roles_are_asked_and_written(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"

    def importer(prompt: str) -> str:
        if "What is your role?" in prompt:
            return "importer, distributor"
        if "Who is answering" in prompt:
            return "Ana Ruiz (compliance)"
        return "n" if "[y/n]" in prompt else ""

    terminal = Terminal("classify", "--interactive", str(card))
    assert terminal.answer_all(importer) == 0, terminal.transcript[-2000:]
    role = next(p for p in terminal.prompts if "What is your role?" in p)
    assert "importer (you bring a provider's system from outside the EU" in role
    assert role.endswith("[provider, deployer, importer, distributor, comma-separated; Enter = provider] ")
    assert yaml.safe_load(card.read_text(encoding="utf-8"))["ai_act"]["role"] == ["importer", "distributor"]
    result = json.loads(comply("classify", str(card), "--format", "json", *AS_OF).stdout)
    assert result["roles"] == ["distributor", "importer"] and result["roles_assumed"] is False
    # Running again offers the roles; a role the Act does not know is refused and asked again.
    answers = iter(["", "reseller", ""])
    terminal = Terminal("classify", "--interactive", str(card))
    assert (
        terminal.answer_all(lambda prompt: next(answers, "") if "role" in prompt or "answering" in prompt else "") == 0
    )
    asked = [p for p in terminal.prompts if "What is your role?" in p]
    assert len(asked) == 2 and asked[0].endswith("Enter = importer, distributor] ")
    assert "one or more of: provider, deployer, importer, distributor" in terminal.transcript
    assert yaml.safe_load(card.read_text(encoding="utf-8"))["ai_act"]["role"] == ["importer", "distributor"]


def test_every_fact_the_card_states_is_offered_as_the_default(tmp_path: Path) -> None:
    """Facts as a user writes them: FLOPs as a string, a role list with importer, a Union institution, a trait
    comply does not know. Each is offered back, and Enter everywhere keeps the card."""
    card = tmp_path / "model_card.yaml"
    card.write_text(
        "ai_act:\n"
        "  artifact: model_and_system\n"
        "  role: [provider, importer]\n"
        "  in_scope_exclusion: false\n"
        "  uses_biometrics: true\n"
        "  biometric_function: categorisation\n"
        "  biometric_categorisation_attributes: [age, skin_tone]\n"
        "  derogation: false\n"
        "  placed_on_market: 2025-03-01\n"
        "  general_purpose: true\n"
        "  training_compute_flops: 8e23\n"
        "deployment:\n"
        "  deployer_type: union_institution\n",
        encoding="utf-8",
    )
    terminal = Terminal("classify", "--interactive", str(card))
    assert terminal.answer_all(lambda prompt: "Pat" if "answering" in prompt else "n" if "[y/n]" in prompt else "") == 0
    offered = "\n".join(terminal.prompts)
    for shown in (
        "Enter = provider, importer]",
        "Enter = age, skin_tone]",
        "Enter = 2025-03-01]",
        "Enter = 8e23]",
        "Enter = union_institution]",
    ):
        assert shown in offered, shown
    ai = yaml.safe_load(card.read_text(encoding="utf-8"))["ai_act"]
    assert ai["role"] == ["provider", "importer"]
    assert ai["biometric_categorisation_attributes"] == ["age", "skin_tone"]
    assert ai["training_compute_flops"] == "8e23"
    assert ai["placed_on_market"] == "2025-03-01"
    assert yaml.safe_load(card.read_text(encoding="utf-8"))["deployment"]["deployer_type"] == "union_institution"


def test_piped_answers_keep_the_rest_of_an_existing_card(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    original = (EXAMPLES / "credit-scoring" / "model_card.yaml").read_text(encoding="utf-8")
    card.write_text(original, encoding="utf-8")
    done = comply("classify", "--interactive", str(card), stdin="Jo Bloggs\n" + "\n" * 80)
    assert done.returncode == 0, done.stderr
    text = card.read_text(encoding="utf-8")
    assert text.startswith(original.split("model_details:")[0])  # header comments untouched
    before, after = yaml.safe_load(original), yaml.safe_load(text)
    assert after["deployment"] == before["deployment"]
    for key, value in before["ai_act"].items():
        # a null claim means "not claimed"; the questionnaire writes the explicit "none".
        expected = "none" if value is None and key == "derogation" else value
        assert after["ai_act"][key] == expected, key
    assert {k: v for k, v in after.items() if k not in {"ai_act"}} == {k: v for k, v in before.items() if k != "ai_act"}
    code = comply("classify", str(card), "--format", "json", *AS_OF)
    assert json.loads(code.stdout)["tier"] == "high"


def test_input_that_ends_before_any_answer_writes_nothing(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    done = comply("classify", "--interactive", str(card), stdin="")
    assert done.returncode == 2
    assert done.stderr.startswith("comply: error: input ended") and "nothing written" in done.stderr
    assert not card.exists()


def test_model_path_asks_only_gpai_questions(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    done = comply("classify", "--interactive", str(card), stdin="Kim\nmodel\n\n\nyes\n3e25\n\n")
    assert done.returncode == 0, done.stderr
    assert "biometric" not in done.stdout and "Annex III" not in done.stdout
    ai = yaml.safe_load(card.read_text(encoding="utf-8"))["ai_act"]
    assert {k: v for k, v in ai.items() if k != "assessment"} == {
        "artifact": "model",
        "role": "provider",
        "placed_on_market": None,
        "general_purpose": True,
        "training_compute_flops": 3e25,
        "open_weights": False,
    }
    result = json.loads(comply("classify", str(card), "--format", "json", *AS_OF).stdout)
    assert (result["tier"], result["gpai"]) == ("minimal", "gpai_systemic_risk")
