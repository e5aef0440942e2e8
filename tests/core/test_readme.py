"""The README stays true: its opening commands, and the full model-card example it shows."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_install_and_check_then_the_test_command() -> None:
    first_block = re.search(r"```bash\n(.*?)```", readme(), re.DOTALL)
    assert first_block is not None
    lines = [line for line in first_block.group(1).splitlines() if line.strip()]
    assert lines[0].startswith("pip install . && comply check examples/")
    assert "python -m pytest" in lines[1]
    card = lines[0].split("comply check ", 1)[1].split()[0]
    assert (ROOT / card).is_file()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci


def test_readme_shows_the_credit_scoring_card_exactly() -> None:
    match = re.search(r"examples/credit-scoring/model_card\.yaml\)</summary>\n\n```yaml\n(.*?)```", readme(), re.DOTALL)
    assert match is not None
    assert match.group(1) == (ROOT / "examples" / "credit-scoring" / "model_card.yaml").read_text(encoding="utf-8")
