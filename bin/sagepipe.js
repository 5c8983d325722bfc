#!/usr/bin/env node
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('sagepipe is not built: run `npm run build` (npm ci does it through `prepare`).\n');
  process.exit(70);
}
await import(cli.href);
