"""Who is acting: the audit log's `actor` and the lock's holder. In GitHub Actions the run
is the actor (the runner's user and host say nothing); elsewhere `user@host`."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Mapping

from trusthub.state.locking import process_start
from trusthub.state.model import LockHolder


def _user(env: Mapping[str, str]) -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container uid without a passwd entry
        return env.get("USER") or f"uid{os.getuid()}"


def ci_run(environ: Mapping[str, str] | None = None) -> str | None:
    """The GitHub Actions run URL, when running in one."""
    env = os.environ if environ is None else environ
    if env.get("GITHUB_ACTIONS") != "true" or not env.get("GITHUB_RUN_ID"):
        return None
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo = env.get("GITHUB_REPOSITORY", "unknown/unknown")
    return f"{server}/{repo}/actions/runs/{env['GITHUB_RUN_ID']}"


def current_actor(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if ci_run(env) is not None:
        who = env.get("GITHUB_ACTOR") or "unknown"
        repo = env.get("GITHUB_REPOSITORY", "unknown/unknown")
        return f"{who}@github-actions:{repo}#{env['GITHUB_RUN_ID']}"
    return f"{_user(env)}@{socket.gethostname()}"


def current_holder(operation: str, environ: Mapping[str, str] | None = None) -> LockHolder:
    env = os.environ if environ is None else environ
    run = ci_run(env)
    user = (env.get("GITHUB_ACTOR") or "unknown") if run else _user(env)
    pid = os.getpid()
    return LockHolder(
        user=user,
        host=socket.gethostname(),
        pid=pid,
        ci_run=run,
        operation=operation,
        pid_start=process_start(pid),
    )
