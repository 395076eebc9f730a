#!/usr/bin/env node
// The Hangar Terraform provider as a program terraform starts (go-plugin, AutoMTLS).
// Installed as .../hangar/hangar/... it serves hangar_* types, as .../coder/coder/... coder_*;
// see the package README. It runs the compiled output, so `tsc -b` must have run first.
let standalone;
try {
  standalone = await import('../dist/provider/standalone.js');
} catch (err) {
  process.stderr.write(
    `terraform-provider-hangar: cannot load ../dist/provider/standalone.js; build the package first ` +
      `(node_modules/.bin/tsc -b packages/provisioner-terraform).\n${err?.stack ?? err}\n`,
  );
  process.exit(1);
}
standalone.runStandalone().catch((err) => {
  process.stderr.write(`terraform-provider-hangar: ${err?.stack ?? err}\n`);
  process.exit(1);
});
