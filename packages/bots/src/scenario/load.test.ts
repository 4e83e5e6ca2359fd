import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type ValidationIssue } from '@botgate/core';
import { loadScenarioDir, loadScenarioFile, parseScenario } from './load';

const BROKEN = join(__dirname, '__tests__/broken');

async function issuesOf(load: () => Promise<unknown>): Promise<ValidationIssue[]> {
  const error = await load().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues;
}

describe('scenario load errors', () => {
  it('lists every schema error with file, line, path and reason', async () => {
    const file = join(BROKEN, 'schema-errors.yaml');
    const issues = await issuesOf(() => loadScenarioFile(file));
    const at = (line: number, path: string) => `${file}:${line} ${path}`;
    expect(issues).toEqual([
      { path: at(1, '/id'), reason: expect.stringContaining('must match pattern') },
      { path: at(3, '/editorUrl'), reason: 'must match format "uri"' },
      { path: at(4, '/'), reason: 'unknown property "colour"' },
      { path: at(9, '/steps/0/say/1/wait'), reason: 'must be >= 0' },
      { path: at(10, '/steps/0/say/2'), reason: "must have required property 'actions'" },
      { path: at(11, '/steps/0/say/3/type'), reason: expect.stringMatching(/^unknown content type "hologram" \(expected text, quickReplies, card/) },
      { path: at(12, '/steps/0/say/4'), reason: 'must be a text, {wait: ms} or a content object with a type' },
      { path: at(14, '/steps/0/on/0/text'), reason: 'must be a string or a list of strings' },
    ]);
  });

  it('lists every reference and structure error after the schema passes', async () => {
    const file = join(BROKEN, 'reference-errors.yaml');
    const issues = await issuesOf(() => loadScenarioFile(file));
    const reasons = issues.map((i) => `${i.path.replace(`${file}:`, '')} ${i.reason}`);
    expect(reasons).toEqual([
      '3 /start unknown step "nowhere"',
      '4 /onAgentReturn unknown step "ghost"',
      '6 /steps/0 capture needs a goto: the step to go to once the value is captured',
      '12 /steps/0/say/0/replies/1 duplicate quick reply value "same"',
      '14 /steps/0/on/0 a trigger needs exactly one of text, reply, regex, any (found text, regex)',
      '14 /steps/0/on/0/goto unknown step "missing"',
      expect.stringMatching(/^15 \/steps\/0\/on\/1\/regex invalid regex: /),
      '16 /steps/0/capture/onFail unknown step "void"',
      expect.stringMatching(/^16 \/steps\/0\/capture\/validate invalid regex: /),
      '17 /steps/1/id duplicate step id "ask" (first at /steps/0)',
      expect.stringMatching(/^21 \/steps\/2\/goto goto loop without waiting for the visitor: .*loopA → loopB → loopA/),
      '24 /steps/4 a step must end with on, capture, goto, handover or close (else the next answer has nowhere to go)',
      '26 /steps/5 a closing step cannot also have goto, on, capture or handover',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    let error: unknown;
    try {
      parseScenario('id: x\nname: [unclosed\nsteps: []\n', 'inline.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].path).toMatch(/^inline\.yaml:\d+ \/$/);
    expect(issues[0].reason).toMatch(/^YAML [A-Z_]+: /);
    expect((error as ConfigError).message).toContain(issues[0].reason);
  });

  it('checks a whole directory and lists the issues of every broken file in one error', async () => {
    const issues = await issuesOf(() => loadScenarioDir(BROKEN));
    const files = new Set(issues.map((i) => i.path.split(':')[0]));
    expect([...files].map((f) => f.replace(`${BROKEN}/`, '')).sort()).toEqual(['reference-errors.yaml', 'schema-errors.yaml', 'syntax-error.yaml']);
    expect(issues.some((i) => i.reason.includes('DUPLICATE_KEY'))).toBe(true);
  });

  it('accepts a minimal scenario and starts at the first step', () => {
    const scenario = parseScenario('id: tiny\nname: Tiny\nsteps:\n  - id: only\n    say: ["Hi"]\n    close: true\n', 'tiny.yaml');
    expect(scenario.start).toBe('only');
  });

  it('accepts the example of the README', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const example = readme.slice(readme.indexOf('## Scenario format')).match(/```yaml\n([\s\S]*?)```/)?.[1];
    expect(parseScenario(example ?? '', 'README.md').steps.size).toBe(5);
  });
});
