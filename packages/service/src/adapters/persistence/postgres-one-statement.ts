import { CompiledQuery as Compiled, type CompiledQuery } from 'kysely';

/**
 * On PostgreSQL, a lead statement and the rows that must be written with it as **one statement**:
 * the lead (`UPDATE … RETURNING` / `INSERT … RETURNING`) becomes a data-modifying CTE, and each
 * follower `INSERT … VALUES` becomes `INSERT … SELECT … WHERE EXISTS (SELECT 1 FROM lead)`, so it
 * writes only when the lead returned a row — exactly what `writeInOneTransaction` promises.
 *
 * Why: node-postgres waits for each answer before it sends the next query, so a Kysely transaction
 * of BEGIN, three statements and COMMIT is five round trips, each one a wait under load while the
 * pool connection is held. One statement is one round trip and still one transaction (a statement
 * is atomic): the conditional UPDATE and its history row still commit together or not at all.
 *
 * Every sub-statement sees the database as it was when the statement began (a follower cannot read
 * what the lead wrote); the followers here never do — the history row's `from_state` sub-select
 * reads an earlier history row, the same one it read inside the transaction.
 *
 * Only shapes this understands are combined: followers that are Kysely `INSERT … VALUES` of plain
 * parameters (one CTE per row: an untyped parameter gets its column's type only in a single-row
 * `INSERT … SELECT`), optionally ending in `ON CONFLICT …`. For anything else `undefined`, and the
 * caller keeps its transaction.
 */
export function asOneStatement(
  lead: CompiledQuery,
  followers: readonly CompiledQuery[],
): CompiledQuery | undefined {
  const key = [lead.sql, ...followers.map((f) => f.sql)].join('\u0000');
  let sql = shapes.get(key);
  if (sql === undefined) {
    sql = compose(lead.sql, lead.parameters.length, followers) ?? null;
    if (shapes.size < MAX_SHAPES) shapes.set(key, sql);
  }
  if (sql === null) return undefined;
  const parameters = [...lead.parameters];
  for (const follower of followers) parameters.push(...follower.parameters);
  return Compiled.raw(sql, parameters);
}

const MAX_SHAPES = 256;
/** Composed SQL per shape (the statements' texts); `null` for a shape that cannot be combined. */
const shapes = new Map<string, string | null>();

const LEAD = /^(update|insert into)\s[\s\S]*\sreturning\s/i;
const INSERT_HEAD = /^insert into "[a-z_]+" \((?:"[a-z_]+"(?:, )?)+\) values /;

function compose(
  leadSql: string,
  leadParameters: number,
  followers: readonly CompiledQuery[],
): string | undefined {
  if (!LEAD.test(leadSql) || !plain(leadSql)) return undefined;
  const parts = [`"lead" as (${leadSql})`];
  let offset = leadParameters;
  for (const follower of followers) {
    const rows = insertRows(follower.sql);
    if (!rows || !plain(follower.sql)) return undefined;
    const shift = offset;
    const renumber = (text: string) => text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
    for (const row of rows.values) {
      parts.push(
        `"w${parts.length}" as (${renumber(`${rows.head}select ${row} where exists (select 1 from "lead")${rows.tail}`)})`,
      );
    }
    offset += follower.parameters.length;
  }
  return `with ${parts.join(', ')} select * from "lead"`;
}

/** No string literal or dollar quote: every `$n` in the text is a parameter, safe to renumber. */
function plain(sql: string): boolean {
  return !sql.includes("'") && !sql.includes('$$');
}

/**
 * `insert into "t" ("a", "b") values ($1, $2), ($3, $4) on conflict …` → the head up to `values`,
 * each row's inner text, and the tail after the last row; `undefined` for any other shape.
 */
function insertRows(sql: string): { head: string; values: string[]; tail: string } | undefined {
  const head = INSERT_HEAD.exec(sql)?.[0];
  if (!head || /\sreturning\s/i.test(sql)) return undefined;
  const values: string[] = [];
  let i = head.length;
  while (sql[i] === '(') {
    let depth = 0;
    let j = i;
    for (; j < sql.length; j++) {
      if (sql[j] === '(') depth++;
      else if (sql[j] === ')' && --depth === 0) break;
    }
    if (j >= sql.length) return undefined;
    values.push(sql.slice(i + 1, j));
    i = j + 1;
    if (sql.startsWith(', (', i)) i += 2;
  }
  const tail = sql.slice(i);
  if (values.length === 0 || !(tail === '' || /^ on conflict /.test(tail))) return undefined;
  return { head: head.replace(/values $/, ''), values, tail };
}
