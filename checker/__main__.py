"""`python -m checker` runs the CLI, so tests and hooks need no console script on PATH."""

from __future__ import annotations

from checker.cli import main

raise SystemExit(main())
