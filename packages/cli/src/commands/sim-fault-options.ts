import type { ApiFaultRule, NotifyFaults } from '@wechatpay-kit/simulator';
import { UsageError } from '../command.js';

const KINDS = new Set<ApiFaultRule['kind']>(['SYSTEMERROR', 'HTTP_500', 'HTTP_503', 'SLOW', 'NO_ANSWER']);

/**
 * `--fault API=KIND[:PROBABILITY][,…]`, e.g. `--fault 'v3.transactions.native=SYSTEMERROR:0.3,v2.*=SLOW'`:
 * the same rules `PUT /_sim/faults` takes, from the command line, so a simulator can start faulty.
 */
export function parseApiFaults(text: string | undefined): ApiFaultRule[] {
  if (text === undefined) return [];
  return text.split(',').map((item) => {
    const match = /^([\w.*-]+)=([A-Z_0-9]+)(?::([\d.]+))?$/.exec(item.trim());
    if (!match) throw new UsageError(`--fault "${item}" is not API=KIND[:PROBABILITY]`);
    const [, api, kind, probability] = match;
    if (!KINDS.has(kind as ApiFaultRule['kind'])) {
      throw new UsageError(`--fault kind ${kind} is not one of ${[...KINDS].join(', ')}`);
    }
    return {
      api: api!,
      kind: kind as ApiFaultRule['kind'],
      ...(probability === undefined ? {} : { probability: parseProbability(probability, '--fault') }),
    };
  });
}

/**
 * `--notify-faults drop=P,duplicate=P,delay=MS[@P],reorder[=MS]`: lost, doubled, late and
 * out-of-order callbacks, for testing a merchant's idempotency and its query fallback.
 */
export function parseNotifyFaults(text: string | undefined): Partial<NotifyFaults> {
  const faults: Partial<NotifyFaults> = {};
  if (text === undefined) return faults;
  for (const item of text.split(',')) {
    const [name, value] = item.trim().split('=') as [string, string | undefined];
    if (name === 'drop') faults.dropProbability = parseProbability(value, '--notify-faults drop');
    else if (name === 'duplicate') {
      faults.duplicateProbability = parseProbability(value, '--notify-faults duplicate');
    } else if (name === 'delay') {
      const [ms, probability] = (value ?? '').split('@');
      faults.delayMs = parseMs(ms, '--notify-faults delay');
      faults.delayProbability =
        probability === undefined ? 1 : parseProbability(probability, '--notify-faults delay');
    } else if (name === 'reorder') {
      faults.reorder = true;
      if (value !== undefined) faults.reorderWindowMs = parseMs(value, '--notify-faults reorder');
    } else {
      throw new UsageError(`--notify-faults: unknown fault "${name}" (drop, duplicate, delay, reorder)`);
    }
  }
  return faults;
}

function parseProbability(text: string | undefined, flag: string): number {
  const p = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(p) || p < 0 || p > 1) {
    throw new UsageError(`${flag} needs a probability between 0 and 1`);
  }
  return p;
}

function parseMs(text: string | undefined, flag: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${flag} needs milliseconds`);
  return Number(text);
}
