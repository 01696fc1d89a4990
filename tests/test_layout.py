"""The package's layering (.importlinter) holds: the functional core never reaches the
shell, the sandbox stands alone, no cycles. Also run by scripts/test.sh on its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None, "import-linter is a dev dependency (pip install -e '.[dev]')"
    run = subprocess.run(
        [exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "BROKEN" not in run.stdout


def test_every_package_says_its_role_and_what_it_may_import() -> None:
    for init in sorted((ROOT / "trusthub").glob("*/__init__.py")):
        doc = init.read_text(encoding="utf-8").split('"""')
        assert len(doc) >= 3, f"{init}: no docstring"
        assert "May import:" in doc[1], f"{init}: the docstring does not say what it may import"
