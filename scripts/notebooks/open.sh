#!/usr/bin/env bash
# Start Jupyter on notebooks/ with the project's TypeScript (Deno) kernel ready.
#
#   bash scripts/notebooks/open.sh [extra jupyter args, e.g. --port=8899 --no-browser]
#
# Uses `jupyter lab` when installed, else `jupyter notebook` (Debian 12 ships
# Notebook 6.4, package jupyter-notebook; JupyterLab is not packaged there).
# Listens on 127.0.0.1 only. As root (CI, containers) --allow-root is added.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

nb_write_kernelspec
if [ ! -f "$ROOT/dist/index.js" ]; then
	echo "notebooks: warning: dist/index.js missing; run 'npm run build' so notebooks can import \"relaysim\"" >&2
fi

args=(--notebook-dir="$NB_DIR" --ip=127.0.0.1)
[ "$(id -u)" = 0 ] && args+=(--allow-root)
# No desktop browser on a headless machine: do not try to open one.
[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ] && args+=(--no-browser)

if jupyter lab --version >/dev/null 2>&1; then
	app=lab
elif jupyter notebook --version >/dev/null 2>&1; then
	app=notebook
else
	echo "notebooks: neither 'jupyter lab' nor 'jupyter notebook' is installed; on Debian: apt-get install -y --no-install-recommends jupyter-notebook" >&2
	exit 2
fi
# Kernels started without a notebook path inherit the server's cwd: make it notebooks/.
cd "$NB_DIR"
echo "notebooks: starting jupyter $app in $NB_DIR (kernel \"TypeScript (relaysim)\")" >&2
exec jupyter "$app" "${args[@]}" "$@"
