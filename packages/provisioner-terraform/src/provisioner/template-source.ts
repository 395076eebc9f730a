import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TemplateVariable } from '@hangar/core';
import { TerraformError } from './terraform-errors.js';

/** What a template's files say without running terraform. */
export interface TemplateSource {
  /** `variable` blocks of the root module, in declaration order. */
  readonly variables: TemplateVariable[];
  /** `README.md` of the template directory (any case), when there is one. */
  readonly readme?: string;
}

interface TemplateFile {
  readonly name: string;
  readonly text: string;
}

type Block = Record<string, unknown>;

const PARAMETER_HEADER = /^[ \t]*data[ \t]+"((?:hangar|coder)_parameter)"[ \t]+"([^"]+)"/gm;
const VARIABLE_HEADER = /^[ \t]*variable[ \t]+"([^"]+)"/gm;

/**
 * Reads a template's variables and README. The `.tf` files are parsed with HashiCorp's own
 * HCL parser compiled to WebAssembly (`@cdktf/hcl2json`, loaded on first use, offline);
 * `.tf.json` files are plain JSON. A syntax error becomes `HANGAR_ERR_TERRAFORM_TEMPLATE_INVALID`
 * naming the file and line, as terraform would.
 */
export async function readTemplate(directory: string): Promise<TemplateSource> {
  const files = await templateFiles(directory);
  const { parse } = await import('@cdktf/hcl2json');
  const variables: (TemplateVariable & { position: number })[] = [];
  let base = 0;
  for (const file of files) {
    let document: Block;
    try {
      document = file.name.endsWith('.json') ? (JSON.parse(file.text) as Block) : ((await parse(file.name, file.text)) as Block);
    } catch (err) {
      const reason = (err as Error).message.replace(/^parse config: \[(.*)\]$/s, '$1');
      throw new TerraformError('HANGAR_ERR_TERRAFORM_TEMPLATE_INVALID', { reason }, { cause: err });
    }
    const positions = headerPositions(file.text, VARIABLE_HEADER, (m) => m[1]!);
    for (const [name, body] of blocksOf(document.variable)) {
      variables.push({ ...variableFrom(name, body), position: base + (positions.get(name) ?? file.text.length) });
    }
    base += file.text.length + 1;
  }
  variables.sort((a, b) => a.position - b.position);
  const readme = await readReadme(directory);
  return {
    variables: variables.map(({ position: _position, ...variable }) => variable),
    ...(readme !== undefined ? { readme } : {}),
  };
}

/**
 * Where each parameter data source is declared in the root module, as a position across its
 * files in the order terraform loads them (by name): `data.hangar_parameter.cpu` → 42. Cheap (a
 * scan of block headers), so plans use it to return parameters in declaration order.
 */
export async function parameterDeclarationOrder(directory: string): Promise<Map<string, number>> {
  const order = new Map<string, number>();
  let base = 0;
  for (const file of await templateFiles(directory)) {
    if (file.name.endsWith('.json')) {
      // JSON keeps its key order: count blocks in file order.
      let document: Block = {};
      try {
        document = JSON.parse(file.text) as Block;
      } catch {
        // terraform reports the syntax error during the plan.
      }
      const data = (document.data ?? {}) as Record<string, Record<string, unknown>>;
      let i = 0;
      for (const [type, blocks] of Object.entries(data)) {
        if (!/^(hangar|coder)_parameter$/.test(type)) continue;
        for (const name of Object.keys(blocks ?? {})) order.set(`data.${type}.${name}`, base + i++);
      }
    } else {
      for (const [address, at] of headerPositions(file.text, PARAMETER_HEADER, (m) => `data.${m[1]}.${m[2]}`)) order.set(address, base + at);
    }
    base += file.text.length + 1;
  }
  return order;
}

/** The root module's `.tf` and `.tf.json` files, in terraform's load order (by name). */
async function templateFiles(directory: string): Promise<TemplateFile[]> {
  const names = (await readdir(directory, { withFileTypes: true }))
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && /\.tf(\.json)?$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(directory, name), 'utf8') })));
}

async function readReadme(directory: string): Promise<string | undefined> {
  const entry = (await readdir(directory)).find((name) => name.toLowerCase() === 'readme.md');
  return entry === undefined ? undefined : readFile(join(directory, entry), 'utf8');
}

function headerPositions(text: string, pattern: RegExp, key: (match: RegExpExecArray) => string): Map<string, number> {
  const found = new Map<string, number>();
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) if (!found.has(key(m))) found.set(key(m), m.index);
  return found;
}

/** `variable` blocks as hcl2json (`{ name: [body] }`) or `.tf.json` (`{ name: body }`) gives them. */
function blocksOf(value: unknown): [string, Block][] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).map(([name, body]) => [
    name,
    ((Array.isArray(body) ? body[0] : body) ?? {}) as Block,
  ]);
}

function variableFrom(name: string, body: Block): TemplateVariable {
  const type = typeof body.type === 'string' ? unwrapExpression(body.type) : 'any';
  const description = typeof body.description === 'string' ? body.description : undefined;
  // As in Coder: a variable without a default (or with a null one) must be given a value.
  const hasDefault = 'default' in body && body.default !== null && body.default !== undefined;
  return {
    name,
    ...(description ? { description } : {}),
    type,
    ...(hasDefault ? { defaultValue: defaultText(body.default) } : {}),
    required: !hasDefault,
    sensitive: body.sensitive === true,
  };
}

/** hcl2json writes expressions as `${…}`: `type = list(string)` arrives as `${list(string)}`. */
function unwrapExpression(text: string): string {
  const m = /^\$\{([\s\S]*)\}$/.exec(text.trim());
  return (m ? m[1]! : text).trim();
}

function defaultText(value: unknown): string {
  if (typeof value === 'string') return value.replaceAll('$${', '${').replaceAll('%%{', '%{');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
