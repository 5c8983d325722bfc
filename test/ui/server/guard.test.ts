import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TOKEN_HEADER, createGuard } from '../../../src/ui/server/guard.ts';

const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;

describe('the UI request guard', () => {
  const guard = createGuard('127.0.0.1', 'secret');

  it('GIVEN a loopback server WHEN the Host is a loopback name THEN reads are allowed', () => {
    for (const host of ['127.0.0.1:4567', 'localhost:4567', '[::1]:4567', 'localhost']) expect(guard.check(req('GET', { host }))).toBeUndefined();
  });

  it('GIVEN a loopback server WHEN the Host is another name (DNS rebinding) THEN the request is refused', () => {
    expect(guard.check(req('GET', { host: 'attacker.example:4567' }))).toMatch(/not served here/);
    expect(guard.check(req('GET', {}))).toMatch(/not served here/);
  });

  it('GIVEN a state-changing request WHEN the token is missing or wrong THEN it is refused; with it, allowed', () => {
    expect(guard.check(req('POST', { host: 'localhost:1' }))).toMatch(/token/);
    expect(guard.check(req('POST', { host: 'localhost:1', [TOKEN_HEADER]: 'nope' }))).toMatch(/token/);
    expect(guard.check(req('POST', { host: 'localhost:1', [TOKEN_HEADER]: 'secret' }))).toBeUndefined();
  });

  it('GIVEN a state-changing request WHEN its Origin is another site THEN it is refused even with the token', () => {
    expect(guard.check(req('POST', { host: 'localhost:1', origin: 'http://evil.example', [TOKEN_HEADER]: 'secret' }))).toMatch(/cross-origin/);
    expect(guard.check(req('POST', { host: 'localhost:1', origin: 'http://localhost:1', [TOKEN_HEADER]: 'secret' }))).toBeUndefined();
  });

  it('GIVEN --host names another address WHEN the Host is that address THEN it is allowed; others still refused', () => {
    const lan = createGuard('192.168.1.5', 't');
    expect(lan.check(req('GET', { host: '192.168.1.5:4567' }))).toBeUndefined();
    expect(lan.check(req('GET', { host: 'evil.example' }))).toMatch(/not served here/);
  });

  it('GIVEN no fixed token WHEN two guards are made THEN their tokens differ and are long', () => {
    const a = createGuard('127.0.0.1').token;
    expect(a.length).toBeGreaterThanOrEqual(24);
    expect(createGuard('127.0.0.1').token).not.toBe(a);
  });
});
