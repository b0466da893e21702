// Runs work one at a time per name: the read-check-write-commit of one change to a key or an alias
// finishes before the next change to the same one starts, so no change is computed from a state that
// another is about to replace, and the order of writes on disk is the order of changes in memory.
export class Serial {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(name, tail);
    void tail.then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    return next;
  }

  /** Resolves once all work started so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
