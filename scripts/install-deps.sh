#!/usr/bin/env bash
# Installs what building and testing Hangar needs on a fresh machine with Node 20:
# pnpm 10.34.9 (corepack cannot fetch it here) and the workspace's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "10.34.9" ]; then
  npm install --global pnpm@10.34.9
fi
pnpm install --frozen-lockfile
