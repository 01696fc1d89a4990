#!/usr/bin/env bash
# Quick start: install, then validate, plan and apply the example workspace (profiles/)
# against the embedded sandbox. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
th=.venv/bin/trusthub
echo "== trusthub validate"; $th validate
echo; echo "== trusthub plan"; $th plan || [ $? -eq 4 ]
echo; echo "== trusthub apply --auto-approve"; $th apply --auto-approve
echo; echo "== trusthub status"; $th status
