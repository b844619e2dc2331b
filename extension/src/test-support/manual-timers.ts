/** Timers driven by the test (`advance(ms)`), so backoff, heartbeat and dead-socket delays are exact. */
import type { Timers } from "../background/agent/connection";

interface Task {
  id: number;
  at: number;
  fn: () => void;
}

export class ManualTimers implements Timers {
  now = 0;
  private tasks: Task[] = [];
  private nextId = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.tasks.push({ id, at: this.now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks = this.tasks.filter((t) => t.id !== handle);
  }

  /** Delays of the pending tasks, from now, sorted. */
  pending(): number[] {
    return this.tasks.map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  /** Runs every task due within `ms`, in time order, moving the clock. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.tasks.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.tasks = this.tasks.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
  }
}
