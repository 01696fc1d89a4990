#!/usr/bin/env bash
# The whole test suite from a clean clone: installs what it needs (PostgreSQL from Debian
# packages, Python packages into ./.venv), then runs ruff, mypy, pytest (measuring branch
# coverage, printed as a total) and a benchmark smoke run. .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== installing PostgreSQL (Debian packages)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql >/dev/null; fi
fi

echo "== installing Python packages"
bash scripts/bootstrap.sh dev

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (strict)"
.venv/bin/mypy
echo "== import contracts (.importlinter)"
.venv/bin/lint-imports --no-cache
echo "== trusthub validate (the example workspace)"
.venv/bin/trusthub validate
echo "== pytest (with branch coverage of trusthub/, subprocesses included)"
.venv/bin/pytest -n 2 -p no:cacheprovider --cov --cov-report= "$@"
echo "branch coverage of trusthub/: $(.venv/bin/coverage report --format=total)%" \
  "(per file: .venv/bin/coverage report --skip-covered --sort=cover)"
echo "== benchmark smoke"
.venv/bin/python bench/run.py --smoke
