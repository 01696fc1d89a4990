"""`trusthub completion SHELL`: print click's shell completion script for trusthub."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_TRUSTHUB_COMPLETE"


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (bash 4.4+, zsh or fish).

    \b
    bash: echo 'eval "$(trusthub completion bash)"' >> ~/.bashrc
    zsh:  echo 'eval "$(trusthub completion zsh)"' >> ~/.zshrc
    fish: trusthub completion fish > ~/.config/fish/completions/trusthub.fish

    The same scripts come from `_TRUSTHUB_COMPLETE=bash_source trusthub` (zsh_source,
    fish_source). Saving the script to a file and sourcing that file starts shells faster.
    """
    cls = get_completion_class(shell)
    assert cls is not None  # click.Choice allows only shells click supports
    root = ctx.find_root()
    script = cls(root.command, {}, "trusthub", COMPLETE_VAR).source()
    click.echo(script)
