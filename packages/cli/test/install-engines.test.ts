/**
 * `engines` is a promise to users: every Node it admits must run every package `npm install` puts
 * in place, so npm prints no EBADENGINE warning and nothing fails to load on the oldest Node we
 * claim. Both lockfiles (the workspaces' and the third-party peers') are read as npm wrote them.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface Lockfile {
  packages: Record<string, { version?: string; engines?: { node?: string } }>;
}

const readJson = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8')) as T;

const rootLock = readJson<Lockfile>('package-lock.json');
/** Our own manifests that state `engines` (the root and every published workspace), as locked. */
const ours = Object.entries(rootLock.packages).filter(
  ([path, entry]) => !path.includes('node_modules/') && entry.engines?.node !== undefined,
);
const claimed = ours.map(([, entry]) => entry.engines!.node!);

/** The first Node of each `||` alternative of a range: the oldest versions a user may run. */
const oldestAdmitted = (range: string): string[] =>
  range.split('||').map((alternative) => semver.minVersion(alternative.trim())!.version);

const nodesWeClaim = [...new Set([...claimed.flatMap(oldestAdmitted), process.version.slice(1)])];

/** The locked packages whose own `engines.node` refuses `nodeVersion`, as `name@version needs range`. */
function refusing(lockfile: Lockfile, nodeVersion: string): string[] {
  return Object.entries(lockfile.packages)
    .filter(([, entry]) => typeof entry.engines?.node === 'string')
    .filter(([, entry]) => !semver.satisfies(nodeVersion, entry.engines!.node!, { includePrerelease: true }))
    .map(
      ([path, entry]) =>
        `${path.replace(/^.*node_modules\//, '')}@${entry.version} needs ${entry.engines!.node}`,
    );
}

describe('install hygiene: engines', () => {
  it('every package of ours states the same engines, and they admit the Node running the tests', () => {
    expect(ours.length).toBeGreaterThan(4);
    expect(new Set(claimed).size).toBe(1);
    expect(semver.satisfies(process.version, claimed[0]!)).toBe(true);
  });

  const lockfiles = {
    'package-lock.json': rootLock,
    'peers/package-lock.json': readJson<Lockfile>('peers/package-lock.json'),
  };
  for (const [name, lockfile] of Object.entries(lockfiles)) {
    for (const node of nodesWeClaim) {
      it(`${name}: every locked package supports Node ${node}`, () => {
        expect(refusing(lockfile, node)).toEqual([]);
      });
    }
  }
});
