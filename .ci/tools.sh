# Sourced (from the repository root) by .ci/lint-openapi and .ci/examples: the pinned OpenAPI
# tools and the function that installs them.
#   npm tools:    .ci/tools/package.json + package-lock.json -> .ci/tools/node_modules (npm ci)
#   Python tools: .ci/requirements.txt                       -> .ci/venv (pip)
# install_npm_tools and install_python_tools install them on first use, and again whenever
# .ci/tools/package-lock.json or .ci/requirements.txt changes; ensure_tools does both.

tools=.ci/tools
venv=.ci/venv

# No telemetry, update checks or install-time downloads.
export DO_NOT_TRACK=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  NO_UPDATE_NOTIFIER=1 SCARF_ANALYTICS=false OPTIC_TELEMETRY_LEVEL=off \
  PIP_DISABLE_PIP_VERSION_CHECK=1

header() { printf '\n==> %s\n' "$*"; }
stamp() { sha256sum "$1" | cut -d' ' -f1; }

install_npm_tools() {
  # npm tools: reinstall when node_modules is missing or was installed from another lock file.
  if [[ ! -d $tools/node_modules || "$(cat "$tools/node_modules/.lint-openapi-stamp" 2>/dev/null)" != "$(stamp "$tools/package-lock.json")" ]]; then
    header "npm ci --prefix $tools"
    # .ci/tools/.npmrc sets ignore-scripts=true: no dependency install scripts run.
    npm ci --prefix "$tools" --no-audit --no-fund
    stamp "$tools/package-lock.json" > "$tools/node_modules/.lint-openapi-stamp"
  fi
}

install_python_tools() {
  # Python tools: (re)create the venv when missing, broken or installed from another requirements file.
  if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c '' 2>/dev/null \
    || [[ "$(cat "$venv/.lint-openapi-stamp" 2>/dev/null)" != "$(stamp .ci/requirements.txt)" ]]; then
    header "python3 -m venv $venv && pip install -r .ci/requirements.txt"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r .ci/requirements.txt
    stamp .ci/requirements.txt > "$venv/.lint-openapi-stamp"
  fi
}

ensure_tools() {
  install_npm_tools
  install_python_tools
}
