/** Every command's --help explains itself: a description for each command and for each of its arguments. */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/io.ts';

const silent: CliIO = { out: () => {}, err: () => {}, interactive: false, env: {}, cwd: process.cwd() };

function allCommands(command: Command, prefix: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return [{ path: path.join(' '), command: c }, ...allCommands(c, path)];
  });
}

describe('CLI help', () => {
  const commands = allCommands(buildProgram(silent));

  it('GIVEN the program THEN it has the commands the README lists, with their subcommands', () => {
    const paths = commands.map((c) => c.path);
    for (const expected of ['compile', 'validate', 'graph', 'run', 'executions logs', 'executions retry', 'models compare', 'endpoints invoke', 'images build', 's3 cp', 'serve', 'ui']) {
      expect(paths).toContain(expected);
    }
  });

  it('GIVEN every command WHEN its --help is read THEN the command and each of its arguments are described', () => {
    const undescribed = commands.flatMap(({ path, command }) => [
      ...(command.description().trim() === '' ? [`${path}: the command`] : []),
      ...command.registeredArguments.filter((a) => (a.description ?? '').trim() === '').map((a) => `${path}: <${a.name()}>`),
    ]);
    expect(undescribed).toEqual([]);
  });

  it('GIVEN compile --help THEN --no-stage says what staging is for, not that skipping it is needed', () => {
    const compile = commands.find((c) => c.path === 'compile')!.command;
    const noStage = compile.options.find((o) => o.long === '--no-stage');
    expect(noStage?.description).toMatch(/by default it is copied, so that the written JSON runs locally/);
  });
});
