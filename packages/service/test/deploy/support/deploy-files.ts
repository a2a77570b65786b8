import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from '../../../../../test-support/env-file.js';

/** The repository root, where `deploy/` and the built `packages/*\/dist` are. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

export const DEPLOY_FILES = {
  nginxSite: join(REPO_ROOT, 'deploy/nginx/wechatpay-kit.conf'),
  systemdUnit: join(REPO_ROOT, 'deploy/systemd/wechatpay-kit@.service'),
  envExample: join(REPO_ROOT, 'deploy/systemd/wechatpay-kit.env.example'),
} as const;

/**
 * The shipped file with each `from` replaced by its `to`. Every `from` must occur: when the file
 * changes so that the test no longer finds what it renders, the test fails instead of quietly
 * running something else.
 */
export function render(path: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  let text = readFileSync(path, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${path} no longer contains "${from}"`);
    text = text.replaceAll(from, to);
  }
  return text;
}

/** Where the test puts what the shipped nginx site names by its production paths and ports. */
export interface NginxSitePlaces {
  httpsPort: number;
  httpPort: number;
  /** The two instances, in place of 127.0.0.1:3001 and 127.0.0.1:3002. */
  upstreamPorts: readonly [number, number];
  certificate: string;
  key: string;
  accessLog: string;
}

/** deploy/nginx/wechatpay-kit.conf with only its ports, upstream addresses and paths changed. */
export function renderNginxSite(places: NginxSitePlaces): string {
  const [first, second] = places.upstreamPorts;
  return render(DEPLOY_FILES.nginxSite, [
    ['listen 443 ssl http2;', `listen 127.0.0.1:${places.httpsPort} ssl http2;`],
    ['listen 80;', `listen 127.0.0.1:${places.httpPort};`],
    ['server 127.0.0.1:3001 ', `server 127.0.0.1:${first} `],
    ['server 127.0.0.1:3002 ', `server 127.0.0.1:${second} `],
    ['/etc/nginx/tls/pay.example.com.fullchain.pem', places.certificate],
    ['/etc/nginx/tls/pay.example.com.key', places.key],
    ['/var/log/nginx/wechatpay-kit.access.log', places.accessLog],
  ]);
}

/** What systemd would run for one instance of the unit: the command line, its folder and environment. */
export interface UnitInstance {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** systemd's own PATH for services; nothing else of the caller's environment reaches them. */
const SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Reads a rendered unit as systemd would start `instance` of it: `%i` replaced, `Environment=`
 * assignments first, then the `EnvironmentFile=` (whose settings win), and `ExecStart=` split on
 * spaces (the unit quotes nothing).
 */
export function unitInstance(unitText: string, instance: string): UnitInstance {
  const service: Array<[string, string]> = [];
  let section = '';
  for (const raw of unitText.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) section = line;
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (section === '[Service]' && match) service.push([match[1]!, match[2]!.replaceAll('%i', instance)]);
  }
  const one = (key: string) => {
    const values = service.filter(([name]) => name === key).map(([, value]) => value);
    if (values.length !== 1) throw new Error(`the unit has ${values.length} ${key}= lines`);
    return values[0]!;
  };
  const env: Record<string, string> = { PATH: SYSTEMD_PATH };
  for (const [name, value] of service) {
    if (name !== 'Environment') continue;
    const eq = value.indexOf('=');
    env[value.slice(0, eq)] = value.slice(eq + 1);
  }
  Object.assign(env, parseEnvFile(readFileSync(one('EnvironmentFile'), 'utf8')));
  const [command, ...args] = one('ExecStart').split(/\s+/);
  return { command: command!, args, cwd: one('WorkingDirectory'), env };
}
