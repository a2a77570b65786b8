import type { AuditLog, AuditQuery, AuditRecord } from '../domain/index.js';

/** The audit tab: who did what, when and from where, newest first, a page at a time. */
export class ReadAuditLog {
  readonly #audit: AuditLog;

  constructor(deps: { audit: AuditLog }) {
    this.#audit = deps.audit;
  }

  /** One page, and the cursor of the next when this page was full. */
  async execute(query: AuditQuery): Promise<{ entries: AuditRecord[]; next?: number }> {
    const entries = await this.#audit.list(query);
    const last = entries.at(-1);
    return entries.length === query.limit && last ? { entries, next: last.id } : { entries };
  }
}
