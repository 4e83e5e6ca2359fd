import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { startRedisServer } from '@botgate/testkit';
import { iadvizeSignature } from '../packages/testkit/src/iadvize';
import { createPoster, forEachLimited } from './lib/http-client';
import { REPO_ROOT, startGateway } from './lib/processes';
import { fmt } from './lib/report';
import type { Suite, SuiteContext } from './lib/suite';

// Redis bytes per idle conversation: N iAdvize conversations (start + 2 visitor messages each,
// demo scenario) through the real gateway, then INFO used_memory (less the connections' buffers) after − before, divided by N;
// MEMORY USAGE summed per key family says where the bytes are. Baseline: the conversation
// record's own JSON size (what a store could not do without).

const SECRET = 'bench-iadvize-secret-0123456789';
const OPERATOR = 'op-mem';

function infoField(info: string, field: string): number {
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
}

/**
 * used_memory without the connections' buffers (mem_clients_normal): those belong to the
 * gateway's few connections, not to conversations, and swing by hundreds of KB with what each
 * connection last sent (query buffers are trimmed lazily), which moved the per-conversation
 * figure by ±100 bytes from one run to the next.
 */
function usedMemory(info: string): number {
  return infoField(info, 'used_memory') - infoField(info, 'mem_clients_normal');
}

/** Ids (conversation ids, uuids, bench ids, job ids) replaced by * so keys group by family. */
function familyOf(key: string): string {
  return key
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '*')
    // A conversation id: 22 base64url characters ending a key.
    .replace(/:[A-Za-z0-9_-]{22}$/, ':*')
    .replace(/mem-[A-Za-z0-9-]+/g, '*')
    .replace(/:\d+$/g, ':*');
}

export const redisMemorySuite: Suite = {
  name: 'redis-memory',
  description: 'Redis bytes per idle conversation (INFO used_memory delta less client buffers, MEMORY USAGE by key family)',
  async run(ctx: SuiteContext) {
    const { report } = ctx;
    const redis = await startRedisServer();
    const gateway = await startGateway(
      { bots: [{ type: 'scenario', file: join(REPO_ROOT, 'scenarios/demo.yaml') }], channels: { iadvize: { enabled: true, secret: SECRET } } },
      { redisUrl: redis.url, nodeFlags: ctx.gatewayNodeFlags },
    );
    const client = new Redis(redis.url);
    const poster = createPoster(20);
    const count = ctx.quick ? 300 : 2000;
    try {
      const put = JSON.stringify({ name: 'Bench', pseudo: 'Bench', language: 'en', distributionRules: [], external: { idBot: 'demo' } });
      const linked = await poster.post(`${gateway.url}/iadvize/bots/${OPERATOR}?idWebsite=w1`, put, { 'content-type': 'application/json', 'x-iadvize-signature': iadvizeSignature(SECRET, put) }, 'PUT');
      if (linked !== 200) throw new Error(`PUT /bots answered ${linked}`);
      const sign = (body: string) => ({ 'content-type': 'application/json', 'x-iadvize-signature': iadvizeSignature(SECRET, body) });
      const converse = async (idConversation: string): Promise<void> => {
        const start = JSON.stringify({ idOperator: OPERATOR, idConversation, history: [] });
        let status = await poster.post(`${gateway.url}/iadvize/conversations?idWebsite=w1`, start, sign(start));
        for (const text of ['hi', 'menu']) {
          const body = JSON.stringify({ idOperator: OPERATOR, message: { idMessage: `${idConversation}-${text}`, author: { role: 'visitor' }, payload: { contentType: 'text', value: text } } });
          status = Math.max(status, await poster.post(`${gateway.url}/iadvize/conversations/${idConversation}/messages?idWebsite=w1`, body, sign(body)));
        }
        if (status !== 200) throw new Error(`conversation ${idConversation}: status ${status}`);
      };
      // Warm-up conversations first, so BullMQ's and the gateway's fixed keys exist before "before".
      const run = randomUUID().slice(0, 8);
      await forEachLimited(20, 10, Date.now() + 30_000, (i) => converse(`mem-warm-${run}-${i}`));
      await new Promise((r) => setTimeout(r, 1500));
      const before = usedMemory(await client.info('memory'));
      const keysBefore = await client.dbsize();
      const deadline = Date.now() + (ctx.quick ? 60_000 : 240_000);
      await forEachLimited(count, 20, deadline, (i) => converse(`mem-${run}-${i}`));
      // Idle: every drain job done, turn keys of the sync waits (60 s TTL) are transient and excluded below.
      await new Promise((r) => setTimeout(r, 2000));
      const after = usedMemory(await client.info('memory'));
      const keysAfter = await client.dbsize();
      const families = new Map<string, { keys: number; bytes: number }>();
      let transient = 0;
      let cursor = '0';
      let conversationJson = 0;
      let conversationKeys = 0;
      do {
        const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          const bytes = Number((await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
          const family = familyOf(key);
          const entry = families.get(family) ?? { keys: 0, bytes: 0 };
          entry.keys++;
          entry.bytes += bytes;
          families.set(family, entry);
          if (family.includes(':turn:')) transient += bytes;
          if (family.endsWith(':conv:*')) {
            conversationKeys++;
            conversationJson += (await client.strlen(key)) ?? 0;
          }
        }
      } while (cursor !== '0');
      const perConversation = (after - before - transient) / count;
      const jsonPerConversation = conversationJson / Math.max(1, conversationKeys);
      report.log(
        `redis-memory: ${count} conversations (POST /conversations + 2 visitor messages each, demo scenario), idle 2 s; ` +
          `used_memory less client buffers ${fmt(before)} → ${fmt(after)} bytes, keys ${keysBefore} → ${keysAfter}; transient turn keys (60 s TTL) excluded: ${fmt(transient)} bytes`,
      );
      const top = [...families.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 10);
      for (const [family, { keys, bytes }] of top) {
        report.log(`  ${family}: ${keys} keys, ${fmt(bytes)} bytes (${fmt(bytes / count)} per conversation)`);
      }
      report.add({
        suite: 'redis-memory',
        name: 'bytes per idle conversation',
        value: perConversation,
        unit: 'bytes',
        baseline: jsonPerConversation,
        ratio: perConversation / jsonPerConversation,
        target: '≤ 2,048 bytes',
        pass: perConversation <= 2048,
        notes: 'baseline = the conversation record JSON itself (mean STRLEN of conv keys)',
      });
    } finally {
      poster.close();
      client.disconnect();
      await gateway.stop();
      await redis.stop();
    }
  },
};
