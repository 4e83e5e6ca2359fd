import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type ValidationIssue } from '@botgate/core';
import { compileScenario, type Scenario } from './compile';
import { scenarioSchemaIssues } from './schema-issues';
import type { ScenarioFile } from './schema';
import { parseYamlSource } from './yaml-source';

/**
 * Parses and checks one scenario. Throws a ConfigError listing every issue, each as
 * `{path: "<file>:<line> /steps/2/say/0", reason}`: an author fixes a file in one go.
 */
export function parseScenario(yamlText: string, fileName: string): Scenario {
  const { scenario, issues } = tryParseScenario(yamlText, fileName);
  if (!scenario) throw new ConfigError(describe(`invalid scenario ${fileName}`, issues), issues);
  return scenario;
}

export async function loadScenarioFile(path: string): Promise<Scenario> {
  return parseScenario(await readFile(path, 'utf8'), path);
}

/**
 * Every `*.yaml` / `*.yml` of a directory, sorted by name. All files are checked before failing,
 * and one ConfigError lists the issues of every broken file (and scenario ids used twice).
 */
export async function loadScenarioDir(dir: string): Promise<Scenario[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  const scenarios: Scenario[] = [];
  const issues: ValidationIssue[] = [];
  const byId = new Map<string, string>();
  for (const name of names) {
    const path = join(dir, name);
    const result = tryParseScenario(await readFile(path, 'utf8'), path);
    issues.push(...result.issues);
    if (!result.scenario) continue;
    const other = byId.get(result.scenario.file.id);
    if (other) issues.push({ path: `${path}:1 /id`, reason: `scenario id "${result.scenario.file.id}" is also used by ${other}` });
    byId.set(result.scenario.file.id, path);
    scenarios.push(result.scenario);
  }
  if (issues.length) throw new ConfigError(describe(`invalid scenarios in ${dir}`, issues), issues);
  return scenarios;
}

function tryParseScenario(yamlText: string, fileName: string): { scenario?: Scenario; issues: ValidationIssue[] } {
  const source = parseYamlSource(yamlText, fileName);
  if (source.syntaxIssues.length) return { issues: source.syntaxIssues };
  const place = (raw: { path: string; reason: string; key?: string }[]): ValidationIssue[] =>
    raw
      .map((i) => ({ path: source.where(i.path, i.key), reason: i.reason }))
      .sort((a, b) => lineOf(a.path) - lineOf(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const schemaIssues = scenarioSchemaIssues(source.value);
  if (schemaIssues.length) return { issues: place(schemaIssues) };
  const { scenario, issues } = compileScenario(source.value as ScenarioFile, fileName);
  return scenario ? { scenario, issues: [] } : { issues: place(issues) };
}

/** The issues are in the message too: start-up logs often show only the message. */
function describe(what: string, issues: ValidationIssue[]): string {
  const count = `${issues.length} issue${issues.length === 1 ? '' : 's'}`;
  return [`${what} (${count}):`, ...issues.map((i) => `  ${i.path}: ${i.reason}`)].join('\n');
}

function lineOf(path: string): number {
  return Number(path.match(/:(\d+) /)?.[1] ?? 0);
}
