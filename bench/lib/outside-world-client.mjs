/** The bench side of `outside-world.mjs`: fork it, wait until it is ready, then ask it for work. */
import { forkChild } from './ipc-child.mjs';

/** Forks the child and gives a promise-based `call(task, args)` over IPC, and its `pid`. */
export async function startOutsideWorld() {
  const child = await forkChild(new URL('./outside-world.mjs', import.meta.url));
  const { url, merchant } = child.ready;
  return { url, merchant, call: child.call, pid: child.pid };
}
