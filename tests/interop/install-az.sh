#!/usr/bin/env bash
# Installs the real Azure CLI (azure-cli==2.91.0, from PyPI) into a virtual environment under the
# build directory, for the interop suite (tests/interop/). Idempotent: an existing venv holding
# that exact version is reused. Prints the az path on the last line.
#
#   AZLOGIN_AZ_VENV   where the venv lives (default: target/interop/az-venv)
set -euo pipefail
cd "$(dirname "$0")/../.."

AZ_VERSION=2.91.0
VENV=${AZLOGIN_AZ_VENV:-target/interop/az-venv}

installed_version() {
  "$VENV/bin/python" - <<'PY' 2>/dev/null || true
import importlib.metadata as m
print(m.version("azure-cli"))
PY
}

if [ -x "$VENV/bin/az" ] && [ "$(installed_version)" = "$AZ_VERSION" ]; then
  echo "azure-cli $AZ_VERSION already installed in $VENV"
  echo "$VENV/bin/az"
  exit 0
fi

# A fresh Debian has python3 but not always venv/ensurepip.
if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "installing python3 and python3-venv with apt-get"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-venv >/dev/null
  else
    echo "!! python3 with the venv module is needed to install the Azure CLI" >&2
    exit 1
  fi
fi

echo "installing azure-cli==$AZ_VERSION into $VENV (takes a few minutes)"
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  "azure-cli==$AZ_VERSION"
got=$(installed_version)
if [ "$got" != "$AZ_VERSION" ]; then
  echo "!! expected azure-cli $AZ_VERSION in $VENV, found '${got}'" >&2
  exit 1
fi
echo "$VENV/bin/az"
