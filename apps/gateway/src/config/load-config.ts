import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Ajv from 'ajv';
import { parseDocument } from 'yaml';
import { ConfigError, type ValidationIssue } from '@botgate/core';
import { GatewayConfig } from './schema';
import { configIssues, formatIssues } from './issues';
import { interpolateEnv } from './interpolate';
import { embeddedDefaultConfig } from './default-config';

// A private ajv: the config wants defaults filled in and verbose errors, which the core's shared
// instance (strict validation of wire data) must not do.
const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, discriminator: true, strict: false });
const validateConfig = ajv.compile<GatewayConfig>(GatewayConfig);

export interface LoadConfigOptions {
  /** Config file; default: env BOTGATE_CONFIG, then the embedded demo default. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  config: GatewayConfig;
  /** The file read, or 'embedded default'. */
  source: string;
  /** Set when the embedded default made up an API channel token (logged at start). */
  demoToken?: string;
  /** Set with demoToken: the made-up password of the demo's `admin` dashboard user. */
  demoAdminPassword?: string;
}

function readYaml(file: string, issues: ValidationIssue[]): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    issues.push({ path: file, reason: `cannot read: ${(err as Error).message}` });
    return undefined;
  }
  const doc = parseDocument(text);
  for (const e of doc.errors) {
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(yaml)';
    issues.push({ path: where, reason: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') });
  }
  if (doc.errors.length) return undefined;
  return doc.toJS() ?? {};
}

// Environment beats the file: the same file serves every environment and role.
function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, issues: ValidationIssue[]): void {
  const section = (name: string): Record<string, unknown> => {
    const current = raw[name];
    if (current !== null && typeof current === 'object' && !Array.isArray(current)) return current as Record<string, unknown>;
    const created: Record<string, unknown> = {};
    raw[name] = created;
    return created;
  };
  if (env.PORT) {
    if (/^\d+$/.test(env.PORT)) section('server').port = Number(env.PORT);
    else issues.push({ path: 'PORT (environment)', reason: 'must be an integer port number' });
  }
  if (env.REDIS_URL) section('redis').url = env.REDIS_URL;
  if (env.LOG_LEVEL) raw.logLevel = env.LOG_LEVEL;
  if (env.BOTGATE_ROLE) raw.role = env.BOTGATE_ROLE;
}

/** Checks a schema cannot express. */
function checkConsistency(config: GatewayConfig, issues: ValidationIssue[]): void {
  const ids = new Set<string>();
  config.bots.forEach((bot, i) => {
    if (bot.type === 'scenario') {
      if ((bot.file === undefined) === (bot.dir === undefined)) {
        issues.push({ path: `bots[${i}]`, reason: 'needs exactly one of file or dir' });
      }
    } else if (ids.has(bot.id)) {
      issues.push({ path: `bots[${i}].id`, reason: `duplicate bot id ${bot.id}` });
    } else {
      ids.add(bot.id);
    }
  });
  const api = config.channels.api;
  if (api.enabled && api.tokens.length === 0) {
    issues.push({ path: 'channels.api.tokens', reason: 'needs at least one token when the API channel is enabled' });
  }
  const names = new Set<string>();
  api.tokens.forEach((t, i) => {
    if (names.has(t.name)) issues.push({ path: `channels.api.tokens[${i}].name`, reason: `duplicate token name ${t.name}` });
    names.add(t.name);
  });
}

/** Relative bot paths are relative to the config file, not to wherever the process started. */
function resolvePaths(config: GatewayConfig, baseDir: string): void {
  for (const bot of config.bots) {
    if (bot.type !== 'scenario') continue;
    if (bot.file) bot.file = resolve(baseDir, bot.file);
    if (bot.dir) bot.dir = resolve(baseDir, bot.dir);
  }
}

/** Reads, interpolates, overrides and validates; throws ConfigError listing every issue. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? (env.BOTGATE_CONFIG || undefined);
  const issues: ValidationIssue[] = [];
  let raw: unknown;
  let demoToken: string | undefined;
  let demoAdminPassword: string | undefined;
  if (file) {
    raw = readYaml(file, issues);
  } else {
    const fallback = embeddedDefaultConfig();
    raw = fallback.raw;
    demoToken = fallback.demoToken;
    demoAdminPassword = fallback.demoAdminPassword;
  }
  const source = file ? resolve(file) : 'embedded default';
  const fail = (): never => {
    throw new ConfigError(`invalid configuration (${source}):\n${formatIssues(issues)}`, issues);
  };
  if (issues.length) fail();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ path: '(root)', reason: 'must be a mapping of options' });
    fail();
  }
  const interpolated = interpolateEnv(raw, env, issues) as Record<string, unknown>;
  applyEnvOverrides(interpolated, env, issues);
  // A value left empty by a missing variable is already reported: its schema error would be noise.
  const unset = new Set(issues.map((i) => i.path));
  if (!validateConfig(interpolated)) issues.push(...configIssues(validateConfig.errors).filter((i) => !unset.has(i.path)));
  if (issues.length) fail();
  const config = interpolated as unknown as GatewayConfig;
  checkConsistency(config, issues);
  if (issues.length) fail();
  resolvePaths(config, file ? dirname(resolve(file)) : process.cwd());
  return demoToken === undefined ? { config, source } : { config, source, demoToken, ...(demoAdminPassword ? { demoAdminPassword } : {}) };
}
