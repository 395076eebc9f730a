#!/usr/bin/env node
// The `hangar` command. Runs the built CLI (`pnpm build` first when working from source).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
