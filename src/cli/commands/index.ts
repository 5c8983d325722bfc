/** Registers the commands that run pipelines and manage what they produce. */
import type { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { registerExecutionCommands } from './executions.ts';
import { registerImageCommands } from './images.ts';
import { registerModelCommands } from './models.ts';
import { registerRunCommand } from './run.ts';

export function registerCommandsBeyondDefinition(program: Command, io: CliIO): void {
  registerRunCommand(program, io);
  registerExecutionCommands(program, io);
  registerModelCommands(program, io);
  registerImageCommands(program, io);
}
