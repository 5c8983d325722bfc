/** The inference server in-process (no Docker): routes, content types, and a 400 for every malformed request. */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceServer } from '../../containers/xgboost/serve.ts';
import { Booster } from '../../containers/runtime/xgboost.ts';

describe('the inference server', () => {
  let url = '';
  let close: () => void = () => undefined;
  let booster: Booster;
  beforeAll(async () => {
    // A small model on a learnable rule: label = x0 > 0.5.
    const rows = 400;
    const data = new Float32Array(rows * 2);
    const labels = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      data[i * 2] = (i % 100) / 100;
      data[i * 2 + 1] = (i * 7) % 13;
      labels[i] = data[i * 2] > 0.5 ? 1 : 0;
    }
    booster = await Booster.create({ rows, cols: 2, data }, labels, { objective: 'binary:logistic', max_depth: '2', silent: '1' });
    for (let r = 0; r < 5; r++) booster.updateOneRound(r);
    const server = createInferenceServer(booster);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('GIVEN rows on both sides of the rule WHEN invoked with CSV THEN probabilities follow it', async () => {
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: '0.9,1\n0.1,1\n' });
    const [hi, lo] = (await res.text()).trim().split('\n').map(Number);
    expect(hi).toBeGreaterThan(0.5);
    expect(lo).toBeLessThan(0.5);
  });

  it.each([
    ['GET', '/invocations', 405],
    ['GET', '/nope', 404],
  ])('GIVEN %s %s THEN %i', async (method, path, status) => {
    expect((await fetch(`${url}${path}`, { method })).status).toBe(status);
  });

  it('GIVEN {"instances": [{"features": [...]}]} THEN it is accepted', async () => {
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ instances: [{ features: [0.9, 1] }] }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { predictions: { score: number }[] }).predictions).toHaveLength(1);
  });

  it('GIVEN a JSON row with a string THEN 400 names the instance', async () => {
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[[1, "a"]]' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('instance 0 must be a list of numbers (or {"features": [numbers]})');
  });
});
