/**
 * Path, relative to the access URL, from which `init_script` downloads the agent executable:
 * `GET /api/v2/agent/binary?os=linux&arch=amd64`. The server must answer with the executable.
 */
export const AGENT_BINARY_PATH = '/api/v2/agent/binary';

/** Inputs of {@link agentInitScript}. */
export interface InitScriptOptions {
  readonly os: string;
  readonly arch: string;
  /** `token`, or an instance-identity auth kind, passed on as HANGAR_AGENT_AUTH. */
  readonly auth: string;
  /** Base URL of the Hangar server as the workspace reaches it. */
  readonly accessUrl: string;
}

/** The agent download URL for an OS and architecture. */
export function agentBinaryUrl(accessUrl: string, os: string, arch: string): string {
  const query = new URLSearchParams({ os, arch }).toString();
  return `${accessUrl.replace(/\/+$/, '')}${AGENT_BINARY_PATH}?${query}`;
}

/**
 * The script a workspace runs at boot to fetch and start its agent (`init_script` of
 * `hangar_agent`). The token is not embedded, so the script is not secret: the template passes
 * `HANGAR_AGENT_TOKEN` (or Coder's `CODER_AGENT_TOKEN`) in the environment, as Coder templates do.
 */
export function agentInitScript(options: InitScriptOptions): string {
  return options.os === 'windows' ? powershellScript(options) : shellScript(options);
}

const sq = (text: string): string => `'${text.replaceAll("'", `'"'"'`)}'`;

function shellScript({ os, arch, auth, accessUrl }: InitScriptOptions): string {
  return `#!/bin/sh
# Hangar agent bootstrap (${os}/${arch}): download the agent from the Hangar server and run it.
set -eu
HANGAR_AGENT_URL=${sq(accessUrl)}
BINARY_URL=${sq(agentBinaryUrl(accessUrl, os, arch))}
HANGAR_AGENT_TOKEN="\${HANGAR_AGENT_TOKEN:-\${CODER_AGENT_TOKEN:-}}"
BINARY_DIR="\${HANGAR_AGENT_DIR:-$(mktemp -d -t hangar.XXXXXX)}"
BINARY="$BINARY_DIR/hangar-agent"
# The workspace may boot before its network or the server is reachable: keep trying.
until
  if command -v curl >/dev/null 2>&1; then curl -fsSL --compressed -o "$BINARY" "$BINARY_URL"
  elif command -v wget >/dev/null 2>&1; then wget -q -O "$BINARY" "$BINARY_URL"
  elif command -v busybox >/dev/null 2>&1; then busybox wget -q -O "$BINARY" "$BINARY_URL"
  else echo "hangar: curl, wget or busybox is needed to download the agent" >&2; exit 1
  fi
do
  echo "hangar: could not download the agent from $BINARY_URL, retrying in 10s" >&2
  sleep 10
done
chmod +x "$BINARY"
export HANGAR_AGENT_URL HANGAR_AGENT_TOKEN
export HANGAR_AGENT_AUTH=${sq(auth)}
exec "$BINARY"
`;
}

const ps = (text: string): string => `'${text.replaceAll("'", "''")}'`;

function powershellScript({ os, arch, auth, accessUrl }: InitScriptOptions): string {
  return `# Hangar agent bootstrap (${os}/${arch}): download the agent from the Hangar server and run it.
$ErrorActionPreference = 'Stop'
$env:HANGAR_AGENT_URL = ${ps(accessUrl)}
$env:HANGAR_AGENT_AUTH = ${ps(auth)}
if (-not $env:HANGAR_AGENT_TOKEN) { $env:HANGAR_AGENT_TOKEN = $env:CODER_AGENT_TOKEN }
$binaryUrl = ${ps(agentBinaryUrl(accessUrl, os, arch))}
$binary = Join-Path $env:TEMP 'hangar-agent.exe'
# The workspace may boot before its network or the server is reachable: keep trying.
while ($true) {
  try { Invoke-WebRequest -UseBasicParsing -Uri $binaryUrl -OutFile $binary; break }
  catch { Write-Warning "hangar: could not download the agent from $binaryUrl, retrying in 10s"; Start-Sleep -Seconds 10 }
}
& $binary
`;
}
