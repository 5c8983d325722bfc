/** Registers the commands that run pipelines and manage what they produce. */
import type { Command } from 'commander';
import type { CliIO } from '../io.ts';

export function registerCommandsBeyondDefinition(_program: Command, _io: CliIO): void {}
