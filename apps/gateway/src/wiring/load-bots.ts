import { ConfigError, type BotClient, type Logger, type ValidationIssue } from '@botgate/core';
import { loadScenarioDir, loadScenarioFile, ScenarioBot, WebhookBot } from '@botgate/bots';
import type { BotOptions } from '../config/schema';

/**
 * Every configured bot by id. Scenario files are read and checked here, so a broken scenario
 * stops start-up (and check-config) with every issue of every file listed.
 */
export async function loadBots(options: readonly BotOptions[], logger: Logger): Promise<Map<string, BotClient>> {
  const bots = new Map<string, BotClient>();
  const issues: ValidationIssue[] = [];
  const add = (bot: BotClient, path: string) => {
    if (bots.has(bot.descriptor.id)) issues.push({ path, reason: `bot id ${bot.descriptor.id} is used twice` });
    else bots.set(bot.descriptor.id, bot);
  };
  for (const [index, bot] of options.entries()) {
    const path = `bots[${index}]`;
    if (bot.type === 'webhook') {
      add(new WebhookBot({ ...bot, logger: logger.child({ botId: bot.id }) }), `${path}.id`);
      continue;
    }
    try {
      const scenarios = bot.file ? [await loadScenarioFile(bot.file)] : await loadScenarioDir(bot.dir ?? '');
      for (const scenario of scenarios) add(new ScenarioBot(scenario), path);
    } catch (error) {
      if (error instanceof ConfigError) {
        issues.push(...(error.issues.length ? error.issues : [{ path, reason: error.message }]));
      } else {
        issues.push({ path, reason: `cannot read ${bot.file ?? bot.dir}: ${(error as Error).message}` });
      }
    }
  }
  if (issues.length) throw new ConfigError('invalid bots', issues);
  return bots;
}
