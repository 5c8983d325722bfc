import { describe, expect, it } from 'vitest';
import { type DagNodeInput, layoutDag } from '../../../src/ui/graph/layout.ts';
import { renderDagSvg } from '../../../src/ui/graph/svg.ts';
import { nodeStates } from '../../../src/ui/graph/states.ts';

const adultShape: DagNodeInput[] = [
  { name: 'Process', type: 'Processing', dependsOn: [] },
  { name: 'Train', type: 'Training', dependsOn: ['Process'] },
  { name: 'Eval', type: 'Processing', dependsOn: ['Process', 'Train'] },
  { name: 'Cond', type: 'Condition', dependsOn: ['Eval'] },
  { name: 'Register', type: 'RegisterModel', dependsOn: ['Cond', 'Train'], branch: { condition: 'Cond', branch: 'IfSteps' } },
  { name: 'Fail', type: 'Fail', dependsOn: ['Cond'], branch: { condition: 'Cond', branch: 'ElseSteps' } },
];

describe('the DAG layout', () => {
  it('GIVEN steps with dependencies WHEN laid out THEN every step has a box and each dependency points downwards', () => {
    const layout = layoutDag(adultShape);
    expect(layout.nodes.map((n) => n.name)).toEqual(adultShape.map((n) => n.name));
    const y = new Map(layout.nodes.map((n) => [n.name, n.y]));
    for (const e of layout.edges) expect(y.get(e.to), `${e.from} → ${e.to}`).toBeGreaterThan(y.get(e.from) as number);
    expect(layout.edges).toHaveLength(7);
    for (const n of layout.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(layout.height);
    }
  });

  it('GIVEN a condition WHEN laid out THEN its branches are if/else edges with labels, other edges plain dependencies', () => {
    const layout = layoutDag(adultShape);
    const kind = (from: string, to: string) => layout.edges.find((e) => e.from === from && e.to === to);
    expect(kind('Cond', 'Register')?.kind).toBe('if');
    expect(kind('Cond', 'Fail')?.kind).toBe('else');
    expect(kind('Cond', 'Register')?.label).toBeDefined();
    expect(kind('Train', 'Register')?.kind).toBe('dependency');
    expect(kind('Train', 'Register')?.label).toBeUndefined();
  });

  it('GIVEN a dependency on a step outside the graph WHEN laid out THEN it is ignored rather than invented', () => {
    const layout = layoutDag([{ name: 'A', type: 'Processing', dependsOn: ['Missing'] }]);
    expect(layout.nodes.map((n) => n.name)).toEqual(['A']);
    expect(layout.edges).toEqual([]);
  });
});

describe('the DAG as SVG', () => {
  const layout = layoutDag(adultShape);

  it('GIVEN step states from a record WHEN drawn THEN each node carries its status, cache hits a badge, skipped steps "not executed"', () => {
    const states = nodeStates({
      Steps: [
        { StepName: 'Process', StepType: 'Processing', StepStatus: 'Succeeded', AttemptCount: 1, Metadata: {}, CacheHitResult: { SourcePipelineExecutionArn: 'arn:x/execution/old' } },
        { StepName: 'Train', StepType: 'Training', StepStatus: 'Executing', AttemptCount: 1, Metadata: {} },
      ],
      NotExecutedSteps: [{ StepName: 'Fail', Reason: 'the condition was true' }],
    });
    const svg = renderDagSvg(layout, { states, selected: 'Train' });
    expect(svg).toMatch(/data-step="Process" data-status="Succeeded" data-type="Processing" data-cache-hit="true"/);
    expect(svg).toMatch(/class="dag-node status-Executing selected" data-step="Train" data-status="Executing"/);
    expect(svg).toMatch(/data-step="Fail" data-status="NotExecuted"/);
    expect(svg).toMatch(/data-step="Eval" data-status="Pending"/);
    expect(svg.match(/class="cache-badge"/g)).toHaveLength(1);
    expect(svg).toContain('class="dag-edge edge-else"');
  });

  it('GIVEN step names with markup WHEN drawn THEN they are escaped', () => {
    const svg = renderDagSvg(layoutDag([{ name: 'a<b>&"c', type: 'Processing', dependsOn: [] }]));
    expect(svg).toContain('a&lt;b&gt;&amp;&quot;c');
    expect(svg).not.toContain('<b>');
  });

  it('GIVEN no states WHEN drawn (sagepipe graph) THEN nodes show their type without a status', () => {
    const svg = renderDagSvg(layout);
    expect(svg).toContain('>Training</text>');
    expect(svg).not.toContain('· Pending');
  });
});
