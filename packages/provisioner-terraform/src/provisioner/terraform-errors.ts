import { HangarError, registerErrorCodes, type HangarErrorOptions } from '@hangar/core';

/**
 * The Terraform provisioner's error table. Each failed terraform step has its own code so a
 * failed build says where it stopped; the message names the problem terraform reported.
 * Every code is documented in `docs/errors.md`.
 */
export const terraformErrorCodes = registerErrorCodes({
  HANGAR_ERR_TERRAFORM_NOT_FOUND: { status: 500, message: 'The terraform program "{path}" cannot be run: {reason}.' },
  HANGAR_ERR_TERRAFORM_TEMPLATE_INVALID: { status: 400, message: 'The template is not valid Terraform: {reason}' },
  HANGAR_ERR_TERRAFORM_INIT_FAILED: { status: 500, message: 'terraform init failed: {reason}' },
  HANGAR_ERR_TERRAFORM_PLAN_FAILED: { status: 500, message: 'terraform plan failed: {reason}' },
  HANGAR_ERR_TERRAFORM_APPLY_FAILED: { status: 500, message: 'terraform apply failed: {reason}' },
  HANGAR_ERR_TERRAFORM_COMMAND_FAILED: { status: 500, message: 'terraform {command} failed: {reason}' },
  HANGAR_ERR_TERRAFORM_OUTPUT_INVALID: { status: 500, message: 'terraform {command} printed output Hangar cannot read: {reason}.' },
  HANGAR_ERR_TERRAFORM_PLAN_INVALID: { status: 400, message: 'The saved plan cannot be used: {reason}.' },
  HANGAR_ERR_TERRAFORM_EXAMPLE_NOT_FOUND: { status: 404, message: 'There is no starter template "{id}".' },
});

/** A code of the Terraform provisioner's error table. */
export type TerraformErrorCode = keyof typeof terraformErrorCodes;

/** Options of a {@link TerraformError} beyond those of every `HangarError`. */
export interface TerraformErrorOptions extends HangarErrorOptions {
  /** The state terraform left behind (see {@link TerraformError.state}). */
  readonly state?: Uint8Array;
}

/**
 * A failed terraform step. When terraform had already changed infrastructure (an apply that
 * failed half-way or was canceled), `state` holds the state file it wrote, so the job runner
 * can keep it as the workspace's state (it becomes `JobFailure.state`) instead of losing track
 * of what exists. Cancellation uses core's `HANGAR_ERR_PROVISIONER_JOB_CANCELED` code.
 */
export class TerraformError extends HangarError {
  /** The state terraform wrote before it failed or was stopped; absent when nothing changed. */
  readonly state?: Uint8Array;

  constructor(code: TerraformErrorCode | 'HANGAR_ERR_PROVISIONER_JOB_CANCELED', params: Record<string, unknown> = {}, options: TerraformErrorOptions = {}) {
    super(code, params, options);
    if (options.state !== undefined) this.state = options.state;
  }
}

/**
 * The state an error from a provisioner call carries, if any: any thrown value with a
 * `state` byte array (as {@link TerraformError} has) counts.
 */
export function stateOfError(error: unknown): Uint8Array | undefined {
  const state = (error as { state?: unknown } | null | undefined)?.state;
  return state instanceof Uint8Array ? state : undefined;
}
