import type { WorkspaceTransition } from '@hangar/core';
import { TerraformError } from './terraform-errors.js';

/** What the opaque `plan` bytes of a terraform plan carry from `plan` to `apply`. */
export interface PlanBundle {
  /** The transition planned; apply refuses a plan made for another one. */
  readonly transition: WorkspaceTransition;
  /** `terraform graph -type=plan` of the template, so apply need not run it again. */
  readonly graph: string;
  /** The binary plan file written by `terraform plan -out`. */
  readonly planFile: Uint8Array;
}

const MAGIC = Buffer.from('HANGAR-TFPLAN/1\n');

/**
 * Packs a plan: a magic line, a 4-byte big-endian header length, a JSON header
 * (`transition`, `graph`) and terraform's plan file.
 */
export function encodePlanBundle(bundle: PlanBundle): Uint8Array {
  const header = Buffer.from(JSON.stringify({ transition: bundle.transition, graph: bundle.graph }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return new Uint8Array(Buffer.concat([MAGIC, length, header, bundle.planFile]));
}

/** Unpacks {@link encodePlanBundle}'s bytes; anything else is `HANGAR_ERR_TERRAFORM_PLAN_INVALID`. */
export function decodePlanBundle(bytes: Uint8Array): PlanBundle {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const invalid = (reason: string) => new TerraformError('HANGAR_ERR_TERRAFORM_PLAN_INVALID', { reason });
  if (data.length < MAGIC.length + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) throw invalid('it was not made by the terraform provisioner');
  const length = data.readUInt32BE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + length > data.length) throw invalid('it is truncated');
  let header: { transition?: unknown; graph?: unknown };
  try {
    header = JSON.parse(data.subarray(start, start + length).toString('utf8')) as typeof header;
  } catch {
    throw invalid('its header is not JSON');
  }
  if (!['start', 'stop', 'delete'].includes(header.transition as string) || typeof header.graph !== 'string') {
    throw invalid('its header lacks the transition or the graph');
  }
  return {
    transition: header.transition as WorkspaceTransition,
    graph: header.graph,
    planFile: new Uint8Array(data.subarray(start + length)),
  };
}
