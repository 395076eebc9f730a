#!/usr/bin/env bash
# One command from a fresh clone to a running Hangar: installs pnpm and the dependencies,
# builds, and starts the reference server with its embedded PostgreSQL.
# Any argument is passed to `hangar server` (e.g. --http-address 0.0.0.0:3000).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
pnpm build
exec node packages/sdk/bin/hangar.mjs server "$@"
