/**
 * A clock that only moves when the code under test sleeps, so a 30-second cashier procedure runs in
 * milliseconds. `onSleep` plays the other side at time `t` (WeChat's order moving on).
 */
export function fakeClock(onSleep: (t: number) => void = () => {}) {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
      onSleep(t);
    },
  };
}
