# Sourced by check.sh and open.sh: project-local Jupyter environment.
# Nothing is written to $HOME: Jupyter's config/data/runtime dirs go to a
# per-user temp dir unless the caller already set them.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NB_DIR="$ROOT/notebooks"
NB_TMP="${RELAYSIM_NB_TMP:-${TMPDIR:-/tmp}/relaysim-jupyter-$(id -u)}"
mkdir -p "$NB_TMP"

# Kernelspec written by kernelspec.mjs lives in $NB_DIR/.jupyter/kernels/.
export JUPYTER_PATH="$NB_DIR/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_CONFIG_DIR="${JUPYTER_CONFIG_DIR:-$NB_TMP/config}"
export JUPYTER_DATA_DIR="${JUPYTER_DATA_DIR:-$NB_TMP/data}"
export JUPYTER_RUNTIME_DIR="${JUPYTER_RUNTIME_DIR:-$NB_TMP/runtime}"
export IPYTHONDIR="${IPYTHONDIR:-$NB_TMP/ipython}"
# Deno's cache (transpiled cells, etc.): keep it inside node_modules (ignored by git).
export DENO_DIR="${DENO_DIR:-$ROOT/node_modules/.cache/deno}"
export DENO_NO_UPDATE_CHECK=1
# Silence debugpy's "frozen modules" warning printed by Debian's Python 3.11 tools.
export PYDEVD_DISABLE_FILE_VALIDATION=1

KERNEL_NAME="relaysim-ts"

nb_require_jupyter() {
	if ! command -v jupyter >/dev/null 2>&1 || ! jupyter nbconvert --version >/dev/null 2>&1; then
		echo "notebooks: 'jupyter nbconvert' not found; install Debian packages: apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client python3-ipykernel" >&2
		exit 2
	fi
}

nb_write_kernelspec() {
	node "$ROOT/scripts/notebooks/kernelspec.mjs"
}
