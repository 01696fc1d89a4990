#!/usr/bin/env bash
# The whole test suite from a clean clone: installs what it needs (PostgreSQL and Chromium
# from Debian packages, Python packages into ./.venv), then runs ruff, mypy, pytest (measuring branch
# coverage, printed as a total) and a benchmark smoke run. .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: PostgreSQL (the team state backend) and Chromium (the
# HTML report is read in a real headless browser).
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (Debian packages)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
