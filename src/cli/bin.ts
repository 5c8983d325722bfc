/** The executable entry: runs the CLI on process.argv and exits with its code. */
import { runCli } from './main.ts';

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
