// Lets `node --import ./scripts/register-ts.mjs file.ts` run TypeScript (the benchmarks) through esbuild.
import { register } from 'node:module';

register(new URL('./ts-loader.mjs', import.meta.url));
