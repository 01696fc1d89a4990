"""The bad-input corpus: every file in `bad_input/files/` (and a few generated at test time:
a 50 MB file, 10,000-deep nesting, symlinks) must end in the exact problem lines listed in
`bad_input/expected.txt`, with exit 1, no traceback, in bounded time and memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.validate.conftest import HERE, make_workspace, run_cli

CORPUS = HERE / "bad_input"
FILES = sorted((CORPUS / "files").iterdir())
HEAD = "apiVersion: trusthub/v1\nkind: CustomerProfile\n"

# Generated here rather than committed (size, symlinks), with the problem each must give.
GENERATED_EXPECTED = {
    "profiles/90-fifty-megabytes.yaml": "profiles/90-fifty-megabytes.yaml:1:1: error "
    "[file-too-large] file is 52,428,849 bytes, over the limit of 1,048,576; one profile per "
    "file is never this large",
    "profiles/91-deep-flow.yaml": "profiles/91-deep-flow.yaml:4:1006: error [nesting-too-deep] "
    "nested more than 64 levels deep",
    "profiles/92-deep-block.yaml": "profiles/92-deep-block.yaml:5:127: error "
    "[nesting-too-deep] nested more than 64 levels deep",
    "profiles/93-symlink-loop.yaml": "profiles/93-symlink-loop.yaml:1:1: error [symlink] "
    "symlink loop: the link leads back to itself; fix or remove the link",
    "profiles/94-symlink-outside.yaml": "profiles/94-symlink-outside.yaml:1:1: error [symlink] "
    "symlink leads outside the workspace; profiles must live in the workspace (copy the file in "
    "instead of linking it)",
}


def expected_by_path() -> dict[str, list[str]]:
    lines: dict[str, list[str]] = defaultdict(list)
    for line in (CORPUS / "expected.txt").read_text(encoding="utf-8").splitlines():
        lines[line.split(":", 1)[0]].append(line)
    return dict(lines)


def add_generated(workspace: Path, name: str) -> None:
    profiles = workspace / "profiles"
    if name == "90-fifty-megabytes.yaml":
        with open(profiles / name, "wb") as f:
            f.write(HEAD.encode() + b"# " + b"x" * (50 * 1024 * 1024) + b"\n")
    elif name == "91-deep-flow.yaml":
        text = HEAD + "name: deep-flow\nnest: " + "[" * 10_000 + "]" * 10_000 + "\n"
        (profiles / name).write_text(text, encoding="utf-8")
    elif name == "92-deep-block.yaml":
        text = HEAD + "name: deep-block\nnest:\n" + "- " * 10_000 + "x\n"
        (profiles / name).write_text(text, encoding="utf-8")
    elif name == "93-symlink-loop.yaml":
        os.symlink(name, profiles / name)
    elif name == "94-symlink-outside.yaml":
        outside = workspace.parent / "outside"
        outside.mkdir(exist_ok=True)
        (outside / "profile.yaml").write_text(HEAD, encoding="utf-8")
        os.symlink(outside / "profile.yaml", profiles / name)


def summary(problems: int) -> str:
    errors = f"{problems} error{'s' if problems > 1 else ''}"
    return f"2 profiles checked, {errors}, 0 warnings in 1 file"


def test_corpus_has_at_least_40_files_each_with_an_expectation() -> None:
    expected = expected_by_path()
    assert len(FILES) >= 40
    assert {f"profiles/{f.name}" for f in FILES} == set(expected) - {"trusthub.yaml"}


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_bad_file_gives_its_exact_problem(source: Path, tmp_path: Path) -> None:
    workspace = make_workspace(
        tmp_path, {f"profiles/{source.name}": source.read_bytes()}, primary=True
    )
    result = run_cli(workspace, "--no-cache")
    expected = expected_by_path()[f"profiles/{source.name}"]
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [*expected, summary(len(expected))]
    assert result.stderr == ""
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(GENERATED_EXPECTED), ids=lambda n: n.split("/")[1])
def test_generated_bad_input_gives_its_exact_problem(name: str, tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", {}, primary=True)
    add_generated(workspace, name.split("/")[1])
    result = run_cli(workspace, "--no-cache")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [GENERATED_EXPECTED[name], summary(1)]
    assert result.stderr == ""


def test_broken_settings_file_is_reported_like_any_file(tmp_path: Path) -> None:
    settings = (CORPUS / "trusthub.yaml").read_text(encoding="utf-8")
    workspace = make_workspace(tmp_path, {"trusthub.yaml": settings}, primary=True)
    result = run_cli(workspace, "--no-cache")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        *expected_by_path()["trusthub.yaml"],
        "1 profile checked, 1 error, 0 warnings in 1 file",
    ]
    assert result.stderr == ""


@pytest.mark.parametrize(
    "name",
    [
        "09-duplicate-top-level-key.yaml",
        "13-alias-bomb.yaml",
        "38-unknown-top-level-key.yaml",
        "54-bad-ein.yaml",
        "55-invalid-phone.yaml",
    ],
)
def test_done_criteria_fail_within_a_second(name: str, tmp_path: Path) -> None:
    source = CORPUS / "files" / name
    workspace = make_workspace(tmp_path, {f"profiles/{name}": source.read_bytes()}, primary=True)
    run_cli(workspace, "--no-cache")  # imports and metadata are loaded once per process
    start = time.perf_counter()
    result = run_cli(workspace, "--no-cache")
    elapsed = time.perf_counter() - start
    assert result.exit_code == 1
    assert result.stdout.startswith(f"profiles/{name}:")
    assert result.stdout.split(":")[1].isdigit()
    assert result.stdout.split(":")[2].isdigit()
    assert "Traceback" not in result.output
    assert elapsed < 1.0


ADDRESS_SPACE = 768 * 1024 * 1024  # also caps what a runaway parse could allocate
WALL_CLOCK = 30.0  # generous: a noisy 2-core machine; the run takes about half a second


# Runs the CLI and reports the process's own peak RSS (KiB) as the last line of stderr.
_MEASURED_MAIN = (
    "import resource, sys\n"
    "from trusthub.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stderr.write(f'MAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
    "sys.exit(code)\n"
)


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def test_whole_corpus_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Everything at once, in a fresh process under an address-space limit."""
    files: dict[str, str | bytes] = {f"profiles/{f.name}": f.read_bytes() for f in FILES}
    files["trusthub.yaml"] = (CORPUS / "trusthub.yaml").read_bytes()
    workspace = make_workspace(tmp_path / "ws", files, primary=True)
    for name in GENERATED_EXPECTED:
        add_generated(workspace, name.split("/")[1])
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURED_MAIN,
            "-C",
            str(workspace),
            "validate",
            "--format",
            "text",
        ],
        capture_output=True,
        text=True,
        timeout=WALL_CLOCK * 2,
        preexec_fn=_limit_address_space,
        env={k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")},
        check=False,
    )
    elapsed = time.perf_counter() - start
    # The child's own peak: RUSAGE_CHILDREN would report the largest child this worker ever
    # waited for, whatever test started it.
    *stderr_lines, maxrss = done.stderr.splitlines() or ["", "MAXRSS 0"]
    peak_kib = int(maxrss.removeprefix("MAXRSS "))
    expected = sorted(
        [
            *(line for lines in expected_by_path().values() for line in lines),
            *GENERATED_EXPECTED.values(),
        ]
    )
    assert done.returncode == 1, done.stderr
    assert stderr_lines == []
    lines = done.stdout.splitlines()
    assert lines[:-1] == expected
    assert lines[-1].endswith(f"{len(expected)} errors, 0 warnings in {len(expected) - 2} files")
    assert elapsed < WALL_CLOCK
    assert 0 < peak_kib < 300 * 1024  # KiB: the 50 MB file is never read
