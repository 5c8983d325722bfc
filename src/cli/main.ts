/** The `sagepipe` command line: parses flags, runs a command, renders what it reports, sets the exit code. */
import { Command, CommanderError } from 'commander';
import { ErrorCode, SagepipeError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { registerDefinitionCommands } from './commands/definition-commands.ts';
import { type CliIO, processIO, reportError } from './io.ts';
import { registerCommandsBeyondDefinition } from './commands/index.ts';

export function buildProgram(io: CliIO): Command {
  const program = new Command();
  program
    .name('sagepipe')
    .description('SageMaker Model Building Pipelines for TypeScript: compile, run locally, run on SageMaker')
    .version(VERSION)
    .option('--debug', 'show stack traces')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerDefinitionCommands(program, io);
  registerCommandsBeyondDefinition(program, io);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Runs the CLI with arguments (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(io, error, debug);
  }
}

export function usageError(message: string): SagepipeError {
  return new SagepipeError(ErrorCode.UsageError, message);
}
