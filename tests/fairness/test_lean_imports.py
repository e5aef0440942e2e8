"""`comply fairness` never imports pandas (nor `pyarrow.compute`): each costs more start-up than
counting a million rows. pyarrow imports pandas behind the scenes on `Array.to_numpy`, `pa.array`,
`pa.scalar` and `import pyarrow.dataset`, so this is easy to break without noticing.

The run happens in a fresh interpreter (the test process itself has imported pandas long ago), which
calls `checker.cli.main` in-process and then looks at `sys.modules`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT

PROBE = """
import contextlib, io, json, sys
from checker.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "pandas": "pandas" in sys.modules, "compute": "pyarrow.compute" in sys.modules,
                  "rows": json.loads(out.getvalue())["rows"]["total"]}))
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("lean")
    rng = np.random.default_rng(3)
    rows = 2_000
    label = rng.integers(0, 2, rows).astype(np.int8)
    table = pa.table(
        {
            "label": pa.array(np.where(rng.random(rows) < 0.05, None, label).tolist(), type=pa.int64()),
            "pred": rng.integers(0, 2, rows).astype(np.int8),
            "score": np.where(rng.random(rows) < 0.02, np.nan, rng.random(rows)),
            "race": pa.array(rng.choice(["a", "b", "c", None], rows).tolist()),
            "age": rng.integers(18, 90, rows),
            "outcome": pa.array(rng.choice(["yes", "no"], rows).tolist()),
        }
    )
    found = {"parquet": directory / "p.parquet", "csv": directory / "p.csv"}
    pq.write_table(table, found["parquet"], row_group_size=500)
    pacsv.write_csv(table, found["csv"])
    return found


CASES = {
    "labels": ["--y-true", "label", "--y-pred", "pred", "-s", "race", "-s", "age", "--intersections"],
    "score and text labels": ["--y-true", "outcome", "--positive-label", "yes", "--score", "score", "-s", "race"],
}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("engine", ["memory", "stream"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_fairness_run_imports_neither_pandas_nor_pyarrow_compute(
    files: dict[str, Path], fmt: str, engine: str, case: str
) -> None:
    command = [sys.executable, "-c", PROBE, "fairness", str(files[fmt]), *CASES[case], "--engine", engine, "-f", "json"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.splitlines()[-1])
    assert probe == {"code": 0, "pandas": False, "compute": False, "rows": 2_000}
