import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR, type GatewayProcess } from './gateway-process';

/**
 * Prints a measured result (outside jest's console decoration, so the lines can be copied into
 * docs/RELIABILITY.md as they are) and appends it to LOG_DIR/report.txt.
 */
export function report(scenario: string, line: string): void {
  const text = `[reliability] ${scenario}: ${line}\n`;
  process.stdout.write(text);
  mkdirSync(LOG_DIR, { recursive: true });
  appendFileSync(join(LOG_DIR, 'report.txt'), text);
}

/** Sent vs delivered for one channel: every expected text once, in the order sent. */
export interface DeliveryTally {
  sent: number;
  delivered: number;
  duplicates: number;
  lost: number;
  outOfOrder: number;
}

/**
 * `expected` and `got` map a conversation to texts in order. Delivered counts distinct expected
 * texts that arrived, duplicates every extra copy, lost every expected text that never did;
 * out-of-order counts conversations whose first arrivals differ from the sending order.
 */
export function tally(expected: Map<string, string[]>, got: Map<string, string[]>): DeliveryTally {
  const result: DeliveryTally = { sent: 0, delivered: 0, duplicates: 0, lost: 0, outOfOrder: 0 };
  for (const [conversation, texts] of expected) {
    const received = got.get(conversation) ?? [];
    const firsts: string[] = [];
    const seen = new Set<string>();
    for (const text of received) {
      if (seen.has(text)) result.duplicates += 1;
      else {
        seen.add(text);
        firsts.push(text);
      }
    }
    result.sent += texts.length;
    const arrived = texts.filter((text) => seen.has(text));
    result.delivered += arrived.length;
    result.lost += texts.length - arrived.length;
    if (firsts.filter((text) => texts.includes(text)).join('\n') !== arrived.join('\n')) result.outOfOrder += 1;
  }
  return result;
}

export function formatTally(t: DeliveryTally): string {
  return `sent=${t.sent} delivered=${t.delivered} duplicates=${t.duplicates} lost=${t.lost} conversationsOutOfOrder=${t.outOfOrder}`;
}

export function sumTallies(tallies: DeliveryTally[]): DeliveryTally {
  return tallies.reduce(
    (a, b) => ({ sent: a.sent + b.sent, delivered: a.delivered + b.delivered, duplicates: a.duplicates + b.duplicates, lost: a.lost + b.lost, outOfOrder: a.outOfOrder + b.outOfOrder }),
    { sent: 0, delivered: 0, duplicates: 0, lost: 0, outOfOrder: 0 },
  );
}

/**
 * Stops the processes, then looks for every configured secret in every line they wrote.
 * Returns the leaks as `<process>: <secret>: <line>` (empty when clean) and reports the count.
 */
export async function stopAndScanForSecrets(scenario: string, gateways: GatewayProcess[]): Promise<string[]> {
  await Promise.all(gateways.map((g) => g.stop()));
  const leaks = gateways.flatMap((g) => g.leaks().map((l) => `${g.name}: ${l.secret}: ${l.line}`));
  const lines = gateways.reduce((n, g) => n + g.output.split('\n').length, 0);
  report(scenario, `log lines scanned: ${lines}; secret leaks: ${leaks.length}`);
  return leaks;
}
