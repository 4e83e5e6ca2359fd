import { text, type BotClient, type BotDescriptor, type BotTurnInput, type BotTurnResult, type Content } from '@botgate/core';
import type { Scenario } from './compile';
import { runScenarioTurn } from './engine';
import { loadScenarioFile } from './load';
import { renderContent, renderTemplate } from './template';

export interface ScenarioBotOptions {
  /** Whether the bot wants observe-only events (it ignores them; default false). */
  observes?: boolean;
}

/**
 * A bot played from a YAML scenario. The instance only holds the frozen scenario: the step and
 * captured data of each conversation travel in botState, so one instance serves every
 * conversation on every worker.
 */
export class ScenarioBot implements BotClient {
  readonly descriptor: BotDescriptor;
  readonly observes?: boolean;

  constructor(readonly scenario: Scenario, options: ScenarioBotOptions = {}) {
    const { id, name, description, editorUrl, language } = scenario.file;
    this.descriptor = { id, name, description, editorUrl, language };
    this.observes = options.observes;
  }

  static async fromFile(path: string, options?: ScenarioBotOptions): Promise<ScenarioBot> {
    return new ScenarioBot(await loadScenarioFile(path), options);
  }

  async turn(input: BotTurnInput): Promise<BotTurnResult> {
    return runScenarioTurn(this.scenario, input);
  }

  /** The file's firstMessages, else the start step's messages (its pauses left out). */
  async firstMessages(): Promise<Content[]> {
    const { file, steps, start } = this.scenario;
    const items = file.firstMessages ?? (steps.get(start)?.step.say ?? []).filter((i) => typeof i === 'string' || !('wait' in i));
    // No conversation yet, so no variables: placeholders render as their defaults.
    return items.map((item) => (typeof item === 'string' ? text(renderTemplate(item, {})) : renderContent(item as Content, {})));
  }
}
