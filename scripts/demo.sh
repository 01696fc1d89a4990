#!/usr/bin/env bash
# Quick start: install, play the Twilio Console (which alone makes primary profiles) in the
# embedded sandbox, then validate, plan and apply the example workspace (profiles/) against
# it until its A2P brands and campaigns (a standard brand with two campaigns, a low-volume
# brand, a public company in its own subaccount, a sole proprietor) are registered. Nothing
# leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
th=.venv/bin/trusthub
echo "== trusthub sandbox console create-primary (what a real account starts with)"
for f in profiles/*.yaml; do
  if grep -q '^role: primary' "$f"; then $th sandbox console create-primary "$f"; fi
done
echo; echo "== trusthub validate"; $th validate
echo; echo "== trusthub plan"; $th plan || [ $? -eq 4 ]
echo; echo "== trusthub apply --auto-approve"; $th apply --auto-approve
echo; echo "== trusthub status"; $th status
# The sandbox's reviews decide at the next read (sandbox.review_delay 0): each apply takes
# the next step Twilio allows (secondaries, trust products, the A2P brand once they are
# submitted, its campaigns once it is APPROVED and its identity confirmed) until nothing is
# left to do.
# An approved sole-proprietor brand waits for its owner's OTP (a public company's, for its
# Authentication+ email): the sandbox plays the owner with `sandbox otp confirm`.
for _ in 1 2 3 4 5 6; do
  out=$($th apply --auto-approve)
  echo; echo "== trusthub apply --auto-approve: ${out##*$'\n'}"
  waiting=$(printf '%s\n' "$out" | grep -o '[a-z0-9-]*/a2p-brand waits for its [A-Za-z+]* confirmation' | cut -d' ' -f1 | sort -u || true)
  for brand in $waiting; do echo "== trusthub sandbox otp confirm $brand"; $th sandbox otp confirm "$brand"; done
  case "$out" in *"Nothing to apply"*) [ -z "$waiting" ] && break ;; esac
done
echo; echo "== trusthub status (brands and campaigns in TRUST PRODUCTS)"; $th status
