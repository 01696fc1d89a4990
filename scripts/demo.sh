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
# The sandbox's reviews decide at the next read (sandbox.review_delay 0): each apply takes
# the next step Twilio allows (secondaries, trust products, the A2P brand once they are
# submitted, its campaigns once it is APPROVED) until nothing is left to do.
for _ in 1 2 3 4 5; do
  out=$($th apply --auto-approve)
  echo; echo "== trusthub apply --auto-approve: ${out##*$'\n'}"
  case "$out" in *"Nothing to apply"*) break ;; esac
done
echo; echo "== trusthub status (brands and campaigns in TRUST PRODUCTS)"; $th status
