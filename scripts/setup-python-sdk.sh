#!/usr/bin/env bash
# Installs the official openai Python SDKs that test/sdk-python.test.ts drives, into repo-local
# virtual environments: .venv/openai-2 and .venv/openai-3 (versions pinned in test/python/).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
for req in test/python/requirements-openai-*.txt; do
  name="$(basename "$req" .txt)"; name="${name#requirements-}"
  venv=".venv/$name"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import openai' 2>/dev/null \
     && [ "$("$venv/bin/python" -c 'import openai; print("openai==" + openai.__version__)')" = "$(cat "$req")" ]; then
    continue
  fi
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  # --retries 0: an index that cannot be reached is skipped at once for the next one configured.
  "$venv/bin/pip" install --quiet --retries 0 --disable-pip-version-check -r "$req"
  "$venv/bin/python" -c 'import openai; print("installed openai", openai.__version__)'
done
