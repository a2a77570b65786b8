import type { FastifyInstance } from 'fastify';
import type { ApiFaultKind, ApiFaultRule, NotifyFaults } from '../engine/fault-injector.js';
import type { SimContext } from '../sim-context.js';
import { badRequest } from './control-error.js';
import { ControlInput } from './control-input.js';

const KINDS: readonly ApiFaultKind[] = [
  'SYSTEMERROR',
  'BANKERROR',
  'HTTP_500',
  'HTTP_503',
  'SLOW',
  'NO_ANSWER',
];
const API_PATTERN = {
  pattern: /^(\*|[\w-]+(\.[\w-]+)*(\.\*)?)$/,
  hint: 'an API name such as v3.transactions.native, a prefix such as v3.*, or *',
};
const PROBABILITY = { min: 0, max: 1 };
/** Longer than any client timeout worth testing; a bigger number is a typo. */
const MAX_DELAY_MS = 10 * 60_000;
const NOTIFY_FIELDS: readonly (keyof NotifyFaults)[] = [
  'dropProbability',
  'duplicateProbability',
  'delayProbability',
  'delayMs',
  'reorder',
  'reorderWindowMs',
];

/**
 * `/_sim/faults`: make APIs answer SYSTEMERROR / 5xx / slowly / not at all, and notifications get
 * lost, duplicated, delayed or reordered — the failures a merchant's code must survive. `PUT`
 * replaces the API rules when `api` is given and merges `notify`; `DELETE` restores good health.
 */
export function faultControlRoutes(app: FastifyInstance, ctx: Pick<SimContext, 'faults'>): void {
  const current = () => ({ api: ctx.faults.apiFaults(), notify: { ...ctx.faults.notify } });

  app.get('/faults', async () => current());

  app.put('/faults', async (request) => {
    const input = ControlInput.body(request);
    const unknown = input.names().filter((name) => name !== 'api' && name !== 'notify');
    if (unknown.length > 0)
      throw badRequest(`unknown field ${unknown.join(', ')}; expected "api" and/or "notify"`);
    const rules = input.objects('api')?.map(readRule);
    const notify = input.object('notify');
    const notifyFaults = notify && readNotifyFaults(notify);
    if (rules) ctx.faults.setApiFaults(rules);
    if (notifyFaults) ctx.faults.setNotifyFaults(notifyFaults);
    return current();
  });

  app.delete('/faults', async () => {
    ctx.faults.reset();
    return current();
  });
}

function readRule(input: ControlInput): ApiFaultRule {
  const kind = input.choice('kind', KINDS);
  if (!kind) throw badRequest(`missing "kind" in a fault rule: one of ${KINDS.join(', ')}`);
  const rule: ApiFaultRule = { api: input.requiredString('api', API_PATTERN), kind };
  const probability = input.number('probability', PROBABILITY);
  const times = input.integer('times', { min: 1 });
  const delayMs = input.integer('delayMs', { min: 0, max: MAX_DELAY_MS });
  const after = input.boolean('after');
  if (probability !== undefined) rule.probability = probability;
  if (after) rule.after = true;
  if (times !== undefined) rule.times = times;
  if (delayMs !== undefined) rule.delayMs = delayMs;
  return rule;
}

function readNotifyFaults(input: ControlInput): Partial<NotifyFaults> {
  const unknown = input.names().filter((name) => !(NOTIFY_FIELDS as string[]).includes(name));
  if (unknown.length > 0) {
    throw badRequest(`unknown notify fault ${unknown.join(', ')}; known: ${NOTIFY_FIELDS.join(', ')}`);
  }
  const faults: Partial<NotifyFaults> = {};
  const set = <K extends keyof NotifyFaults>(name: K, value: NotifyFaults[K] | undefined) => {
    if (value !== undefined) faults[name] = value;
  };
  set('dropProbability', input.number('dropProbability', PROBABILITY));
  set('duplicateProbability', input.number('duplicateProbability', PROBABILITY));
  set('delayProbability', input.number('delayProbability', PROBABILITY));
  set('delayMs', input.integer('delayMs', { min: 0, max: MAX_DELAY_MS }));
  set('reorder', input.boolean('reorder'));
  set('reorderWindowMs', input.integer('reorderWindowMs', { min: 0, max: MAX_DELAY_MS }));
  return faults;
}
