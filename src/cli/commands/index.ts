/** Registers the commands that run pipelines and manage what they produce. */
import type { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { registerExecutionCommands } from './executions.ts';
import { registerImageCommands } from './images.ts';
import { registerModelCommands } from './models.ts';
import { registerEndpointCommands } from './endpoints.ts';
import { registerRegistryWorkflow } from './registry-workflow.ts';
import { registerRunCommand } from './run.ts';
import { registerS3Commands } from './s3.ts';
import { registerServeCommand } from './serve.ts';
import { registerUiCommand } from './ui.ts';

export function registerCommandsBeyondDefinition(program: Command, io: CliIO): void {
  registerRunCommand(program, io);
  registerExecutionCommands(program, io);
  registerRegistryWorkflow(registerModelCommands(program, io), io);
  registerEndpointCommands(program, io);
  registerImageCommands(program, io);
  registerS3Commands(program, io);
  registerServeCommand(program, io);
  registerUiCommand(program, io);
}
