#!/usr/bin/env bash
# Debian packages relaysim needs beyond Node.js (run as root, or with sudo):
#   fonts-dejavu-core  text in the PNG charts (resvg draws no text without a font)
#   chromium           the browser test of report.html (playwright-core drives it; never a downloaded browser)
#   jupyter-*          the TypeScript notebooks (npm run notebooks:check / npm run notebook)
#   slurm-wlm, munge   a single-node Slurm cluster for testing deploy/slurm/ (scripts/slurm-test-cluster.sh)
set -euo pipefail
packages=(fonts-dejavu-core chromium jupyter-nbconvert jupyter-client python3-ipykernel jupyter-notebook slurm-wlm munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
