#!/usr/bin/env bash
# Installs what trusthub needs into ./.venv (created if missing). Sourced by the other scripts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extras="${1:-}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=".venv/.trusthub-installed${extras:+-$extras}"
# A .venv copied along with a checkout (cp -a) still imports the code of the old place:
# reinstall when the installed package is not this checkout's.
here_pkg="$(pwd -P)/trusthub/__init__.py"
installed_pkg="$(.venv/bin/python -I -c 'import os, trusthub; print(os.path.realpath(trusthub.__file__))' 2>/dev/null || true)"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$installed_pkg" != "$here_pkg" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
