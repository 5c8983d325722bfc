/** Topological order and cycle detection: definition order on ties, and no recursion limit on long chains. */
import { describe, expect, it } from 'vitest';
import { findCycle } from '../../src/definition/cycles.ts';
import { dependentsMap, topologicalOrder } from '../../src/definition/graph.ts';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([name, dependsOn]) => [name, { dependsOn }]));

describe('topologicalOrder', () => {
  it('GIVEN steps free to run in any order WHEN ordered THEN ties keep definition order, and each step follows what it depends on', () => {
    const g = graph({ c: [], a: ['d'], b: [], d: ['c', 'c'], e: ['a', 'b', 'unknown'] });
    expect(topologicalOrder(g)).toEqual(['c', 'b', 'd', 'a', 'e']);
  });

  it('GIVEN a cycle WHEN ordered THEN the steps on it are left out (validation reports it)', () => {
    expect(topologicalOrder(graph({ a: [], b: ['c'], c: ['b'], d: ['a'] }))).toEqual(['a', 'd']);
  });

  it('GIVEN a 100,000-step chain listed backwards WHEN ordered and checked for cycles THEN the order is the chain and there is no stack overflow', () => {
    const n = 100_000;
    const g = new Map<string, { dependsOn: string[] }>();
    for (let i = n - 1; i >= 0; i--) g.set(`s${i}`, { dependsOn: i > 0 ? [`s${i - 1}`] : [] });
    const order = topologicalOrder(g);
    expect(order).toHaveLength(n);
    expect(order[0]).toBe('s0');
    expect(order[n - 1]).toBe(`s${n - 1}`);
    expect(findCycle([...g.keys()], (name) => g.get(name)?.dependsOn ?? [])).toBeUndefined();
    g.set('s0', { dependsOn: [`s${n - 1}`] });
    expect(findCycle([...g.keys()], (name) => g.get(name)?.dependsOn ?? [])).toHaveLength(n + 1);
  });
});

describe('dependentsMap', () => {
  it('GIVEN a diamond THEN each step lists the steps that wait for it, once each', () => {
    const d = dependentsMap(graph({ a: [], b: ['a'], c: ['a', 'a'], d: ['b', 'c'] }));
    expect(Object.fromEntries(d)).toEqual({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] });
  });
});

describe('findCycle', () => {
  it('GIVEN a cycle b → c → b THEN it is reported from its first name in order', () => {
    const g = graph({ a: [], b: ['c'], c: ['b'] });
    expect(findCycle([...g.keys()], (name) => g.get(name)?.dependsOn ?? [])).toEqual(['b', 'c', 'b']);
  });
});
