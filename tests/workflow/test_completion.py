"""Shell completion through click, and `trusthub completion SHELL`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_cli


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F"),
        ("zsh", "#compdef trusthub"),
        ("fish", "complete --no-files --command trusthub"),
    ],
)
def test_completion_prints_the_script(shell: str, marker: str) -> None:
    result = run_cli("completion", shell, catch_exceptions=False)
    assert result.exit_code == 0
    assert "_TRUSTHUB_COMPLETE" in result.stdout
    assert marker in result.stdout
    # The same script as click's own entry point prints.
    direct = run_cli(env={"_TRUSTHUB_COMPLETE": f"{shell}_source"}, prog_name="trusthub")
    assert direct.stdout.strip() == result.stdout.strip()


def test_completion_rejects_other_shells() -> None:
    result = run_cli("completion", "powershell")
    assert result.exit_code == 2
    assert "'powershell' is not one of 'bash', 'zsh', 'fish'" in result.stderr


def complete(words: str, cword: int) -> list[str]:
    env = {"_TRUSTHUB_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = run_cli(env=env, prog_name="trusthub")
    assert result.exit_code == 0
    return result.stdout.splitlines()


def test_completes_lazy_commands_and_choices() -> None:
    assert "plain,new" in complete("trusthub ne", 1)
    assert {"plain,init", "plain,validate"} <= set(complete("trusthub ", 1))
    assert complete("trusthub new profile acme --role ", 5) == ["plain,primary", "plain,secondary"]
    assert complete("trusthub plan --format m", 3) == ["plain,markdown"]


def test_completes_profile_names_from_the_workspace_files(tmp_path: Path) -> None:
    profiles = tmp_path / "ws" / "custom"
    profiles.mkdir(parents=True)
    (tmp_path / "ws" / "trusthub.yaml").write_text(
        "apiVersion: trusthub/v1\nkind: Workspace\nname: w\nprofiles: custom\n", encoding="utf-8"
    )
    # The declared name wins over the file's stem; a broken file is offered all the same.
    (profiles / "a.yaml").write_text("apiVersion: trusthub/v1\nname: acme-isv\n", encoding="utf-8")
    (profiles / "acme-west.yaml").write_text("name: [broken\n", encoding="utf-8")
    (profiles / "b.yml").write_text('kind: CustomerProfile\nname: "bravo"  # x\n', encoding="utf-8")
    (profiles / "notes.txt").write_text("name: not-a-profile\n", encoding="utf-8")
    ws = str(tmp_path / "ws")
    assert complete(f"trusthub -C {ws} show ", 4) == [
        "plain,acme-isv",
        "plain,acme-west",
        "plain,bravo",
    ]
    assert complete(f"trusthub -C {ws} history ac", 4) == ["plain,acme-isv", "plain,acme-west"]
    assert complete(f"trusthub -C {ws} plan --target b", 5) == ["plain,bravo"]
    assert complete(f"trusthub -C {ws} apply --target x", 5) in ([], [""])
    # No workspace there: nothing to offer, and no error.
    assert complete(f"trusthub -C {tmp_path / 'none'} show ", 4) in ([], [""])
