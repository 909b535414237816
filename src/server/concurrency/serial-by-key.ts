/**
 * Runs tasks that share a key one after another, in the order they arrived; tasks of different keys
 * run freely. A failed task does not stop the ones queued behind it. Keys are forgotten once idle.
 */
export class SerialByKey<Key> {
  private readonly tails = new Map<Key, Promise<unknown>>();

  run<T>(key: Key, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
