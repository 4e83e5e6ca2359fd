import type { DistributionRule } from './schemas';

/** What PUT /bots/:idOperator tells us, as stored in the RecordStore (namespace below). */
export interface BotLink {
  idOperator: string;
  /** The scenario (our bot id) this operator plays. */
  idBot: string;
  name?: string;
  pseudo?: string;
  language?: string;
  distributionRules: DistributionRule[];
  idWebsite?: string;
  createdAt: string;
  updatedAt: string;
}

export const BOT_LINK_NAMESPACE = 'iadvize:bots';

/** True when two links say the same thing (an idempotent PUT keeps its updatedAt). */
export function sameLinkContent(a: BotLink, b: Omit<BotLink, 'createdAt' | 'updatedAt'>): boolean {
  return (
    a.idBot === b.idBot &&
    a.name === b.name &&
    a.pseudo === b.pseudo &&
    a.language === b.language &&
    a.idWebsite === b.idWebsite &&
    JSON.stringify(a.distributionRules) === JSON.stringify(b.distributionRules)
  );
}
