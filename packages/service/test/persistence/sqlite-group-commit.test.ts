import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunStatement, SqliteGroupCommit } from '../../src/adapters/persistence/sqlite-group-commit.js';

/** Real SQLite files (WAL) and a second connection that sees only what was committed. */
describe('SqliteGroupCommit', () => {
  let dir: string;
  let writer: SqliteDatabase.Database;
  let observer: SqliteDatabase.Database;
  let group: SqliteGroupCommit;

  const open = (busyMs = 5000) => {
    const database = new SqliteDatabase(join(dir, 'group.db'));
    database.pragma('journal_mode = WAL');
    database.pragma(`busy_timeout = ${busyMs}`);
    return database;
  };
  const query = (sql: string, ...parameters: unknown[]) => ({ sql, parameters }) as unknown as CompiledQuery;
  const insert = (run: RunStatement, id: string) => run(query('insert into notes (id) values (?)', id));
  const committed = () => observer.prepare('select id from notes order by id').pluck().all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxkit-group-commit-'));
    writer = open(50);
    writer.exec('create table notes (id text primary key)');
    observer = open();
    group = new SqliteGroupCommit(writer, runOn(writer), (work) => work());
  });
  afterEach(() => {
    writer.close();
    observer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes asked for in one turn together, and settles each only once committed', async () => {
    const seenByOthersDuringBatch: unknown[][] = [];
    const first = group.submit((run) => insert(run, 'a'));
    const second = group.submit((run) => {
      // Same transaction as the first write: it sees it; another connection does not, yet.
      expect(run(query('select id from notes'))).toEqual([{ id: 'a' }]);
      seenByOthersDuringBatch.push(committed());
      insert(run, 'b');
      return 'b';
    });
    expect(committed()).toEqual([]);

    await expect(second).resolves.toBe('b');
    await first;
    expect(seenByOthersDuringBatch).toEqual([[]]);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('stores nothing of a unit that throws; the rest of its batch commits', async () => {
    const outcomes = await Promise.allSettled([
      group.submit((run) => insert(run, 'a')),
      group.submit((run) => {
        insert(run, 'half');
        insert(run, 'a'); // duplicate key: this unit fails after one of its writes
      }),
      group.submit((run) => insert(run, 'c')),
      group.submit((run) => insert(run, 'c')), // a second failure in the same batch
      group.submit((run) => {
        insert(run, 'd');
        return run(query('select count(*) as n from notes'));
      }),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect((outcomes[4] as PromiseFulfilledResult<unknown>).value).toEqual([{ n: 3 }]);
    expect(committed()).toEqual(['a', 'c', 'd']);
  });

  it('rejects the whole batch, storing nothing, when the commit cannot happen', async () => {
    const other = open();
    other.exec('begin immediate'); // another process holds the write lock past our busy timeout
    try {
      const outcomes = await Promise.allSettled([
        group.submit((run) => insert(run, 'a')),
        group.submit((run) => insert(run, 'b')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    } finally {
      other.exec('rollback');
      other.close();
    }
    expect(committed()).toEqual([]);
    await group.submit((run) => insert(run, 'after'));
    expect(committed()).toEqual(['after']);
  });

  it('a lone write that throws is rolled back like any other', async () => {
    await expect(
      group.submit((run) => {
        insert(run, 'x');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(committed()).toEqual([]);
  });

  it('writes asked for while a batch waits for the connection join that batch, in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let batches = 0;
    const gated = new SqliteGroupCommit(writer, runOn(writer), async (work) => {
      batches++;
      await gate; // a Kysely transaction holds the connection
      await work();
    });
    const first = gated.submit((run) => insert(run, 'a'));
    await new Promise((resolve) => setImmediate(resolve));
    const second = gated.submit((run) => {
      expect(run(query('select id from notes'))).toEqual([{ id: 'a' }]);
      insert(run, 'b');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed()).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(batches).toBe(1);
    expect(committed()).toEqual(['a', 'b']);
  });
});

function runOn(database: SqliteDatabase.Database): RunStatement {
  return (q) => {
    const statement = database.prepare(q.sql);
    if (statement.reader) return statement.all(q.parameters as unknown[]);
    statement.run(q.parameters as unknown[]);
    return [];
  };
}
