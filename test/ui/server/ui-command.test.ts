import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';

describe('sagepipe ui (command line)', () => {
  it('GIVEN --help THEN the options are described', async () => {
    const r = await cli(['ui', '--help']);
    expect(r.code).toBe(0);
    for (const option of ['--port', '--host', '--workspace', '--runtime']) expect(r.stdout).toContain(option);
  });

  it.each([
    [['--port', 'abc'], /--port must be 0-65535 \(got 'abc'\)/],
    [['--port', '70000'], /--port must be 0-65535 \(got '70000'\)/],
    [['--runtime', 'vm'], /--runtime must be docker, process or auto \(got 'vm'\)/],
  ])('GIVEN %j THEN a usage error, no stack trace', async (args, message) => {
    const r = await cli(['ui', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
