import type { LogLine } from '@hangar/core';

/** A problem terraform reported (`"type": "diagnostic"` in its JSON output). */
export interface TerraformDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  /** `main.tf line 3`, when terraform named a place in the template. */
  readonly location?: string;
}

/** What one line of terraform's `-json` output means for the build log. */
export interface ParsedLogLine {
  /** Zero or more log lines, for people. */
  readonly lines: LogLine[];
  readonly diagnostic?: TerraformDiagnostic;
}

interface JsonDiagnostic {
  severity?: string;
  summary?: string;
  detail?: string;
  range?: { filename?: string; start?: { line?: number } };
  snippet?: { context?: string | null; code?: string; start_line?: number };
}

interface JsonLogLine {
  '@level'?: string;
  '@message'?: string;
  type?: string;
  diagnostic?: JsonDiagnostic;
}

const LEVELS: Readonly<Record<string, LogLine['level']>> = { trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', error: 'error' };

/**
 * Turns one line of `terraform … -json` output into build log lines: its `@message`, at its
 * `@level`. A diagnostic also gets where it points (`on main.tf line 3, in resource "x"`), the
 * offending source line and its detail, as terraform prints them for people. Lines that are
 * not JSON are passed through as text.
 */
export function parseJsonLogLine(raw: string, stage: string): ParsedLogLine {
  const text = raw.trim();
  if (text === '') return { lines: [] };
  let entry: JsonLogLine;
  try {
    entry = JSON.parse(text) as JsonLogLine;
  } catch {
    return { lines: textLines(text, 'info', stage) };
  }
  if (typeof entry !== 'object' || entry === null) return { lines: textLines(text, 'info', stage) };
  // The version banner matters for debugging only.
  const level = entry.type === 'version' ? 'debug' : (LEVELS[entry['@level'] ?? 'info'] ?? 'info');
  const message = entry['@message'] ?? '';
  if (entry.type !== 'diagnostic' || !entry.diagnostic) return { lines: textLines(message, level, stage) };

  const diagnostic = toDiagnostic(entry.diagnostic);
  const out = textLines(message, level, stage);
  const snippet = entry.diagnostic.snippet;
  if (diagnostic.location) {
    const context = snippet?.context ? `, in ${snippet.context}` : '';
    out.push({ level, stage, output: `  on ${diagnostic.location}${context}:` });
    if (snippet?.code !== undefined && snippet.start_line !== undefined) {
      out.push({ level, stage, output: `  ${snippet.start_line}: ${snippet.code}` });
    }
  }
  out.push(...textLines(diagnostic.detail, level, stage).map((line) => ({ ...line, output: `  ${line.output}` })));
  return { lines: out, diagnostic };
}

/** Log lines for plain text output (stderr, or a command without `-json`), ANSI colours removed. */
export function textLines(text: string, level: LogLine['level'], stage: string): LogLine[] {
  return stripAnsi(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .map((output) => ({ level, stage, output }));
}

/**
 * The sentence a failed command is summed up by: its first error diagnostic ("summary: detail
 * (main.tf line 3)"), or the last lines of its stderr when it printed none.
 */
export function failureReason(diagnostics: readonly TerraformDiagnostic[], stderr: string): string {
  const first = diagnostics.find((d) => d.severity === 'error');
  if (first) {
    const detail = first.detail ? `: ${oneLine(first.detail)}` : '';
    const where = first.location ? ` (${first.location})` : '';
    const more = diagnostics.filter((d) => d.severity === 'error').length - 1;
    return `${first.summary}${detail}${where}${more > 0 ? ` (and ${more} more error${more > 1 ? 's' : ''})` : ''}`;
  }
  const tail = textLines(stderr, 'error', '').slice(-3).map((line) => line.output.trim());
  return tail.length > 0 ? tail.join(' ') : 'it exited without saying why';
}

function toDiagnostic(d: JsonDiagnostic): TerraformDiagnostic {
  const line = d.range?.start?.line;
  return {
    severity: d.severity === 'warning' ? 'warning' : 'error',
    summary: d.summary ?? 'unknown problem',
    detail: d.detail ?? '',
    ...(d.range?.filename ? { location: `${d.range.filename}${line ? ` line ${line}` : ''}` } : {}),
  };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 400 ? `${flat.slice(0, 397)}...` : flat;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
