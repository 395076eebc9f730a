import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTar, type ArchiveEntry } from '@hangar/core';
import { TerraformError } from './terraform-errors.js';

/** A starter template as `GET /api/v2/templates/examples` lists it (Coder's example shape). */
export interface StarterTemplate {
  /** The directory name; stable, used in URLs. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly icon: string;
  readonly tags: readonly string[];
  /** The README without its front matter. */
  readonly markdown: string;
}

/** The starter templates that ship inside this package (`templates/<id>/`). */
export const BUNDLED_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

const ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Lists the starter templates of a directory: each subdirectory with `.tf` files, described by
 * the front matter of its README (`display_name`, `description`, `icon`, `tags`), as Coder's
 * examples are. Sorted by id.
 */
export async function listStarterTemplates(dir: string = BUNDLED_TEMPLATES_DIR): Promise<StarterTemplate[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => ID.test(name)).sort();
  const out: StarterTemplate[] = [];
  for (const name of names) {
    // Directories (or links to them, as examples/templates/local is) holding Terraform files.
    const files = await readdir(join(dir, name)).catch(() => [] as string[]);
    if (!files.some((file) => /\.tf(\.json)?$/.test(file))) continue;
    const readme = await readFile(join(dir, name, 'README.md'), 'utf8').catch(() => '');
    const { fields, body } = splitFrontMatter(readme);
    out.push({
      id: name,
      name: stringField(fields.display_name) ?? name,
      description: stringField(fields.description) ?? '',
      icon: stringField(fields.icon) ?? '',
      tags: Array.isArray(fields.tags) ? fields.tags : [],
      markdown: body.trimStart(),
    });
  }
  return out;
}

/**
 * The files of one starter template as a tar archive (the form template versions are uploaded
 * in), with their permission bits. An unknown id is `HANGAR_ERR_TERRAFORM_EXAMPLE_NOT_FOUND`.
 */
export async function starterTemplateArchive(id: string, dir: string = BUNDLED_TEMPLATES_DIR): Promise<Buffer> {
  const known = await listStarterTemplates(dir);
  if (!ID.test(id) || !known.some((t) => t.id === id)) throw new TerraformError('HANGAR_ERR_TERRAFORM_EXAMPLE_NOT_FOUND', { id });
  const root = join(dir, id);
  return writeTar(await filesUnder(root, root));
}

async function filesUnder(root: string, dir: string): Promise<ArchiveEntry[]> {
  const out: ArchiveEntry[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Terraform's own working files never belong in a template.
    if (entry.name === '.terraform' || entry.name.startsWith('terraform.tfstate') || entry.name === '.terraform.lock.hcl') continue;
    const info = await lstat(path);
    if (info.isDirectory()) out.push(...(await filesUnder(root, path)));
    else if (info.isFile()) {
      out.push({ path: relative(root, path).split(sep).join('/'), type: 'file', mode: info.mode & 0o777, data: await readFile(path) });
    }
  }
  return out;
}

/**
 * Splits `---`-fenced front matter from a README. Only the flat subset templates use is read:
 * `key: value` and `key: [a, b]` lines.
 */
export function splitFrontMatter(text: string): { fields: Record<string, string | string[]>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) return { fields: {}, body: text };
  const fields: Record<string, string | string[]> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    const value = kv[2]!.trim();
    const list = /^\[(.*)\]$/.exec(value);
    fields[kv[1]!] = list
      ? list[1]!.split(',').map((item) => unquote(item.trim())).filter((item) => item !== '')
      : unquote(value);
  }
  return { fields, body: text.slice(match[0].length) };
}

function unquote(text: string): string {
  return /^(["']).*\1$/.test(text) ? text.slice(1, -1) : text;
}

function stringField(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
