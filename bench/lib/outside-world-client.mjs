/** The bench side of `outside-world.mjs`: fork it, wait until it is ready, then ask it for work. */
import { fork } from 'node:child_process';

/** Forks the child and gives a promise-based `call(task, args)` over IPC. */
export async function startOutsideWorld() {
  const child = fork(new URL('./outside-world.mjs', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`outside world exited (${code}) before it was ready`)));
    child.on('message', (message) => {
      if (message.type === 'ready') return resolve(message);
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('outside world exited'));
    pending.clear();
  });
  const { url, merchant } = await ready;
  const call = (task, args = {}) =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error('outside world is gone'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, task, ...args });
    });
  return { url, merchant, call };
}
