/**
 * Reads the `.env` subset the simulator writes (`KEY=value`, or `KEY="value"` with backslash
 * escapes), so tests can hand the export to the service exactly as a merchant's shell would.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const [, name, raw] = match as unknown as [string, string, string];
    env[name] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return env;
}
