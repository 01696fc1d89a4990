"""The one way the tests run the `trusthub` CLI in this process: click's `CliRunner` on
`trusthub.cli.main.cli`, in an environment cleaned of what the developer's shell or CI would
add. Every test package's own helper (`run`, `run_cli`, `invoke`, ...) is a thin wrapper of
`run_cli` here. `COMMAND` is the CLI as a real process, for the tests that need one (kills,
servers, resource limits).

    result = run_cli("plan", "--no-refresh", workspace=ws, code=0)
    result = run_cli("validate", workspace=ws, env={"GITHUB_ACTIONS": "true"})
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from click.testing import CliRunner, Result

from trusthub.cli.main import cli

# `trusthub` as a real process: this interpreter, so the same installation.
COMMAND: Final = (sys.executable, "-m", "trusthub")

# Variables that would change what a command does; unset in every run unless the test sets
# them through `env`: the state location, the loopback Twilio hook, CI auto-detection
# (GitHub annotations) and the colour switch.
SCRUBBED: Final = ("TRUSTHUB_STATE", "TRUSTHUB_TWILIO_BASE_URL", "GITHUB_ACTIONS", "NO_COLOR")


def run_cli(
    *args: str,
    workspace: Path | None = None,
    env: Mapping[str, str | None] | None = None,
    input: str | None = None,
    code: int | None = None,
    catch_exceptions: bool = True,
    prog_name: str | None = None,
) -> Result:
    """`trusthub [-C workspace] ARGS` through click's runner. `env` is laid over the cleaned
    environment (None unsets a variable); `input` is the standard input. With `code`, the
    exit code must be that one (the output is shown when it is not). With
    `catch_exceptions=False` an unexpected exception escapes to the test instead of
    becoming `result.exception`."""
    environ: dict[str, str | None] = dict.fromkeys(SCRUBBED)
    environ.update(env or {})
    argv = ["-C", str(workspace), *args] if workspace is not None else list(args)
    result = CliRunner().invoke(
        cli,
        argv,
        env=environ,
        input=input,
        catch_exceptions=catch_exceptions,
        prog_name=prog_name,
    )
    if code is not None:
        assert result.exit_code == code, (
            f"trusthub {' '.join(argv)}: exit {result.exit_code}, expected {code}",
            result.stdout[-3000:],
            result.stderr[-3000:],
        )
    return result
