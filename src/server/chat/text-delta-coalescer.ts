/** Longest coalesced delta: a burst beyond it is sent as several events, each still one packet. */
const MAX_COALESCED_CHARS = 16 * 1024;

/**
 * Merges the text deltas a model yields within one event-loop turn into one, for every provider
 * alike. A burst of tiny events (the extractive answer's words, a fast model's reads) would otherwise
 * become one socket packet each, and long-polling clients that accept a bounded number of packets per
 * poll (python-socketio: 16) would drop the connection mid-answer. Text is held back at most until
 * the end of the turn, so streaming stays live. Push-based (the answer's loop calls `add`, one timer
 * per turn serves every answer): no promise race or generator per delta on the streaming hot path.
 */
export class TextDeltaCoalescer {
  private pending = '';
  /** On the list of the current turn. */
  queued = false;
  /** What `onText` threw at the end of a turn; `add` and `flush` throw it to the answer's loop. */
  private failure: { error: unknown } | undefined;

  constructor(private readonly onText: (text: string) => void) {}

  add(text: string): void {
    this.throwFailure();
    if (!text) return;
    this.pending += text;
    if (this.pending.length >= MAX_COALESCED_CHARS) this.flush();
    else if (!this.queued) atEndOfTurn(this);
  }

  /** Hands on what is pending now (before another part, after a failure, at the end). */
  flush(): void {
    this.throwFailure();
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.onText(text);
  }

  /** Called at the end of a turn: never throws out of the timer (that would end the process). */
  endOfTurn(): void {
    this.queued = false;
    try {
      this.flush();
    } catch (error) {
      this.failure ??= { error };
    }
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}

let due: TextDeltaCoalescer[] = [];

function atEndOfTurn(coalescer: TextDeltaCoalescer): void {
  coalescer.queued = true;
  if (due.push(coalescer) === 1) setImmediate(flushDue);
}

function flushDue(): void {
  const list = due;
  due = [];
  for (const coalescer of list) coalescer.endOfTurn();
}
