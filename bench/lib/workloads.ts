import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startImiconnectInboundServer } from '../../packages/testkit/src/imiconnect';
import { IADVIZE_GATEWAY_CONFIG, IADVIZE_QUERY, availabilityRequests, linkOperator, messageRequests } from '../iadvize';
import { IMICONNECT_WEBHOOK_PATH, imiconnectGatewayConfig, webhookRequests } from '../imiconnect';
import type { LoadRequest } from './load';
import { startBareExpress, startGateway, type ServerProcess } from './processes';

// The loads of the benchmark suites as single workloads, for the diagnosis tools
// (cpu-per-request, paired): one server, the requests it is loaded with, and how to stop it.

export const WORKLOADS = ['iadvize-message', 'iadvize-availability', 'imiconnect-ack', 'imiconnect-ack-api', 'bare-express'] as const;
export type Workload = (typeof WORKLOADS)[number];

export function isWorkload(name: string | undefined): name is Workload {
  return WORKLOADS.includes(name as Workload);
}

/**
 * The arguments of a diagnosis command, `<workload> [more…] [--src] [-- node flags for the
 * server]`; when the workload is not one of WORKLOADS, its usage on stderr and exit code 2.
 */
export function workloadCommandArgs(command: string, usageRest: string): { workload: Workload; positional: string[]; nodeFlags: string[]; compiled: boolean } {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf('--');
  const own = dash === -1 ? argv : argv.slice(0, dash);
  const [workload, ...positional] = own.filter((a) => !a.startsWith('--'));
  if (!isWorkload(workload)) {
    process.stderr.write(`usage: ${command} <${WORKLOADS.join(' | ')}> ${usageRest}\n`);
    process.exit(2);
  }
  return { workload, positional, nodeFlags: dash === -1 ? [] : argv.slice(dash + 1), compiled: !own.includes('--src') };
}

/** CPU seconds (utime + stime, fields 14 and 15 of /proc/<pid>/stat) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface WorkloadServer {
  server: ServerProcess;
  load: LoadRequest;
  /**
   * Resolves once the work behind `answered` answers is done: at once for a synchronous route,
   * after the replies of as many acknowledged events reached the inbound for a webhook (its
   * turns run after the ack, so their CPU lands after the load stops).
   */
  settled(answered: number, timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

const settledAtOnce = async () => true;

export async function startWorkload(
  workload: Workload,
  redisUrl: string,
  options: { nodeFlags?: string[]; env?: Record<string, string>; root?: string } = {},
): Promise<WorkloadServer> {
  const run = randomUUID().slice(0, 8);
  const nodeFlags = options.nodeFlags ?? [];
  if (workload === 'bare-express') {
    const server = await startBareExpress(nodeFlags);
    return { server, load: messageRequests(run, () => '/json'), settled: settledAtOnce, stop: () => server.stop() };
  }
  const gatewayOptions = { redisUrl, nodeFlags, ...(options.env ? { env: options.env } : {}), ...(options.root ? { root: options.root } : {}) };
  if (workload === 'imiconnect-ack-api') {
    // The intake alone (role api, no worker anywhere): the events stay queued in Redis.
    const server = await startGateway(imiconnectGatewayConfig('http://127.0.0.1:9/unused'), { ...gatewayOptions, role: 'api' });
    return { server, load: webhookRequests(run, IMICONNECT_WEBHOOK_PATH), settled: settledAtOnce, stop: () => server.stop() };
  }
  if (workload === 'imiconnect-ack') {
    const inbound = await startImiconnectInboundServer();
    let delivered = 0;
    inbound.onAccepted(() => delivered++);
    const server = await startGateway(imiconnectGatewayConfig(inbound.url), gatewayOptions);
    let acknowledged = 0;
    const settled = async (answered: number, timeoutMs = 60_000) => {
      acknowledged += answered;
      const deadline = Date.now() + timeoutMs;
      while (delivered < acknowledged && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return delivered >= acknowledged;
    };
    return { server, load: webhookRequests(run, IMICONNECT_WEBHOOK_PATH), settled, stop: async () => (await server.stop(), await inbound.close()) };
  }
  const server = await startGateway(IADVIZE_GATEWAY_CONFIG, gatewayOptions);
  await linkOperator(server.url);
  const load =
    workload === 'iadvize-message'
      ? messageRequests(run, (conversation) => `/iadvize/conversations/${conversation}/messages?${IADVIZE_QUERY}`)
      : availabilityRequests('/iadvize/availability-strategies');
  return { server, load, settled: settledAtOnce, stop: () => server.stop() };
}
