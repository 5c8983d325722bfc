/** The executable entry: runs the CLI on process.argv and exits with its code. */
import { runCli } from './main.ts';

// The AWS SDK warns on every run that its 2027 releases will need Node 22: not something a user of this version can act on.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  const text = warning instanceof Error ? `${warning.name}: ${warning.message}` : `${type ?? ''}: ${warning}`;
  if (text.includes('NodeVersionSupportWarning')) return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
