"""The package's layering (.importlinter) holds: the functional core never reaches the
shell, the sandbox stands alone, no cycles, the SDK stays in the provider. Also run by
scripts/test.sh on its own."""

from __future__ import annotations

import ast
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


# The provider is the adapter to Twilio; the sandbox emulates Twilio and is reached through
# the SDK too. Nothing else may know the SDK or its HTTP library.
SDK_PACKAGES = {"twilio", "requests"}
SDK_HOMES = ("provider", "sandbox")


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):  # every import, under TYPE_CHECKING or in a function too
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_only_the_provider_and_the_sandbox_import_twilio_or_requests() -> None:
    package = ROOT / "trusthub"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] in SDK_HOMES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name in sorted(_imported(tree)):
            if name.split(".", 1)[0] in SDK_PACKAGES:
                offenders.append(f"trusthub/{relative}: imports {name}")
    assert offenders == [], "\n".join(offenders)
    # The check sees them where they belong.
    assert "twilio.rest" in _imported(ast.parse((package / "provider" / "connect.py").read_text()))


def test_the_readme_layout_names_every_package_and_no_gone_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    block = layout[layout.index("```") : layout.index("```", layout.index("```") + 3)]
    package = ROOT / "trusthub"
    for init in sorted(package.rglob("__init__.py")):
        folder = init.parent
        if folder == package:
            continue
        assert f"{folder.name}/" in block, f"README layout does not name {folder.name}/"
    for module in sorted(package.glob("*.py")):
        if module.name not in ("__init__.py", "__main__.py"):
            assert module.name in block, f"README layout does not name {module.name}"
    # Names of modules that moved away must not linger in the layout.
    for gone in ("loader.py", "profiles.py", "desired.py ", "mapping.py", "workspace.py"):
        assert gone not in block, f"README layout still names {gone}"
