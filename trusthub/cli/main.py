"""The `trusthub` command group: global options, lazy sub-commands, and the one place where
errors become exit codes. No traceback reaches a user unless `--debug` is given."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from pathlib import Path
from typing import Any, Final

import click

from trusthub import __version__
from trusthub.cli.context import AppContext
from trusthub.errors import ExitCode, TrusthubError

# name -> "module:attribute". Imported only when the command runs, so `trusthub validate`
# does not pay for the apply engine or the Twilio SDK at start-up.
COMMANDS: dict[str, str] = {
    "validate": "trusthub.cli.validate_cmd:validate",
    "plan": "trusthub.cli.plan_cmd:plan",
    "apply": "trusthub.cli.apply_cmd:apply",
    "refresh": "trusthub.cli.refresh_cmd:refresh",
    "status": "trusthub.cli.status_cmd:status",
    "state": "trusthub.cli.state_cmd:state",
    "history": "trusthub.cli.history_cmd:history",
    "import": "trusthub.cli.import_cmd:import_",
    "report": "trusthub.cli.report_cmd:report",
    "show": "trusthub.cli.show_cmd:show",
    "init": "trusthub.cli.init_cmd:init",
    "new": "trusthub.cli.new_cmd:new",
    "completion": "trusthub.cli.completion_cmd:completion",
    "sandbox": "trusthub.cli.sandbox_cmd:sandbox",
    "events": "trusthub.cli.events_cmd:events",
}


class TrusthubGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrusthubError as e:
            click.secho(f"error: {e}", err=True, fg="red")
            raise click.exceptions.Exit(e.exit_code) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(ExitCode.INTERRUPTED) from None
        except BrokenPipeError:
            raise click.exceptions.Exit(_reader_went_away()) from None
        except Exception as e:
            app = ctx.find_object(AppContext)
            if app is not None and app.debug:
                raise
            click.secho(
                f"internal error ({type(e).__name__}); this is a bug in trusthub. "
                "Rerun with --debug to see where it happened.",
                err=True,
                fg="red",
            )
            raise click.exceptions.Exit(ExitCode.INTERNAL) from None


@click.group(cls=TrusthubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The workspace directory (holds trusthub.yaml and the profiles).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(__version__, prog_name="trusthub")
@click.pass_context
def cli(ctx: click.Context, workspace: Path, debug: bool) -> None:
    """Compliance-as-code for Twilio Trust Hub: validate, plan and apply customer profiles
    and trust products kept as YAML."""
    ctx.obj = AppContext(workspace_dir=workspace, debug=debug)


# The cyclic garbage collector's thresholds for the process: generation 0 collected every
# 50,000 allocations net instead of 700. A plan builds hundreds of thousands of objects that
# live to its end and form few cycles; at the default thresholds the collector walks them
# again and again. Measured on a warm `plan --no-refresh` of 10,000 profiles (4 paired rounds
# of whole processes): 4.70 s of CPU by default, 3.29 s with these and the freeze below,
# 3.08 s with the collector off; off is not an option for `events serve` and the sandbox's
# server, which run for days, so it still runs, rarely.
GC_THRESHOLDS: Final = (50_000, 20, 100)


def tune_gc() -> None:
    """Freeze what the imports made (never garbage: the collector need not look at it again)
    and collect rarely (GC_THRESHOLDS). For the console script, not for library callers."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def main(argv: list[str] | None = None) -> int:
    """The console script. Errors outside a command (usage, help) end here, never in a
    traceback."""
    tune_gc()
    try:
        result = cli.main(args=argv, prog_name="trusthub", standalone_mode=False)
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return ExitCode.PROBLEMS
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return ExitCode.INTERRUPTED
    except TrusthubError as e:
        click.secho(f"error: {e}", err=True, fg="red")
        return e.exit_code
    except BrokenPipeError:
        return _reader_went_away()
    try:
        sys.stdout.flush()  # here, not at interpreter exit, where a closed pipe is unhandled
    except BrokenPipeError:
        return _reader_went_away()
    return result if isinstance(result, int) else ExitCode.OK


def _reader_went_away() -> int:
    """The reader of stdout closed it (`trusthub status | head -3`): stop quietly, with
    the exit status a shell gives a process ended by SIGPIPE. What is still
    buffered goes to /dev/null, so the interpreter's own flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (a test's captured stream)
        pass
    return ExitCode.READER_GONE


if __name__ == "__main__":
    sys.exit(main())
