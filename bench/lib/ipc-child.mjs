/**
 * The bench's child processes (the outside world, service instances, the proxy) all speak one small
 * protocol over IPC: the child sends `{ type: 'ready', ... }` once, then answers each
 * `{ id, task, ...args }` with `{ id, result }` or `{ id, error }`. `forkChild` is the parent's
 * side, `serveTasks` the child's.
 */
import { fork } from 'node:child_process';

/**
 * Forks `script` and waits for its ready message. Returns that message (`ready`), the child's `pid`
 * (its CPU can then be read from /proc) and a promise-based `call(task, args)`.
 */
export async function forkChild(script, { execArgv = [], env } = {}) {
  const child = fork(script, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
    child.on('message', (message) => {
      if (message.type === 'ready') return resolve(message);
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited`));
    pending.clear();
  });
  const message = await ready;
  const call = (task, args = {}) =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`${script} is gone`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, task, ...args });
    });
  const exited = new Promise((done) => {
    if (child.exitCode !== null) done();
    else child.once('exit', done);
  });
  return { ready: message, pid: child.pid, call, exited, kill: () => child.kill() };
}

/**
 * The child's side: answers each task message with `tasks[task].call(tasks, message)`; after the
 * task named `stop` it disconnects, so the process can exit. Sends `ready` first.
 */
export function serveTasks(tasks, ready = {}) {
  process.on('message', async (message) => {
    try {
      const result = await tasks[message.task].call(tasks, message);
      process.send({ id: message.id, result });
      if (message.task === 'stop') process.disconnect();
    } catch (error) {
      process.send({ id: message.id, error: String(error?.stack ?? error) });
    }
  });
  process.send({ type: 'ready', pid: process.pid, ...ready });
}
