import { CliError } from '../command.js';

/** A running simulator's control API can take a moment under load; longer means it is not there. */
const TIMEOUT_MS = 10_000;

/**
 * Where `wxpay sim …` subcommands find the simulator: `SIM_URL`, else
 * `http://127.0.0.1:$SIM_PORT`, else port 3100.
 */
export function simulatorUrl(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env.SIM_URL?.trim();
  if (explicit) return explicit.replace(/\/+$/, '');
  return `http://127.0.0.1:${env.SIM_PORT?.trim() || '3100'}`;
}

/**
 * Calls the simulator's control API. Its refusals (`{error, message}`) become one-line
 * {@link CliError}s carrying the simulator's own words, so `wxpay sim pay` on a closed order says
 * what the phone page would say.
 */
export async function callControlApi<T>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    const advice = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause)
      ? 'trust its local CA with NODE_EXTRA_CA_CERTS (wxpay sim --https prints the path)'
      : 'start it with "wxpay sim" or set SIM_URL';
    throw new CliError(`cannot reach the simulator at ${baseUrl} (${cause}); ${advice}`);
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = text ? JSON.parse(text) : undefined;
  } catch {
    throw new CliError(
      `${baseUrl} answered HTTP ${response.status} with something other than JSON: is it the simulator?`,
    );
  }
  if (!response.ok) {
    const refusal = (answer ?? {}) as { error?: string; message?: string };
    throw new CliError(
      `${refusal.message ?? `HTTP ${response.status}`} (${refusal.error ?? response.status})`,
    );
  }
  return answer as T;
}
