// How the dr CLI shows a run's progress: a live line with the elapsed time on a terminal, plain lines otherwise, JSON lines with --json.

/** Where progress goes and how it looks. */
export type ProgressMode = 'tty' | 'plain' | 'json';

/** JSON lines with --json; else a live line when stderr is a terminal, plain lines when it is not. */
export function progressModeFor(json: boolean, stderrIsTty: boolean): ProgressMode {
  if (json) return 'json';
  return stderrIsTty ? 'tty' : 'plain';
}

export interface Progress {
  /** A step completed: one permanent line with the time since the start. */
  step(name: string): void;
  /** What the command is waiting for now: the live line on a terminal, a line when it changes otherwise. */
  waiting(text: string): void;
  /** A line of information (the plan, what happens next). */
  note(text: string): void;
  /** The command's result: `value` with --json, `text` on stdout otherwise. */
  result(value: object, text: string): void;
  /** Stops the live line's clock; safe to call twice. */
  stop(): void;
}

export interface ProgressOptions {
  readonly mode: ProgressMode;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Milliseconds since the epoch; the tests pass a clock of their own. */
  readonly now?: () => number;
  /** How often the live line redraws; 0 never (tests). */
  readonly tickMs?: number;
}

/** `+  3s` or `+1m05s`: the time since the start, fixed width so the step names line up. */
export function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `+${String(seconds).padStart(3)}s`;
  return `+${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Clears the terminal's current line (carriage return, erase line). */
const CLEAR_LINE = '\r\x1b[2K';

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  const since = () => elapsed(now() - started);
  const { stdout, stderr, mode } = options;

  if (mode === 'json') {
    const emit = (event: object) => stdout.write(`${JSON.stringify(event)}\n`);
    const seconds = () => Math.round((now() - started) / 1000);
    return {
      step: (name) => emit({ event: 'step', name, elapsedSeconds: seconds() }),
      waiting: (text) => emit({ event: 'waiting', text, elapsedSeconds: seconds() }),
      note: (text) => emit({ event: 'note', text }),
      result: (value) => emit({ event: 'result', elapsedSeconds: seconds(), ...value }),
      stop: () => undefined,
    };
  }

  if (mode === 'plain') {
    let last = '';
    return {
      step: (name) => stderr.write(`  ${since()}  ${name}\n`),
      waiting: (text) => {
        if (text !== last) stderr.write(`  ${since()}  ... ${text}\n`);
        last = text;
      },
      note: (text) => stderr.write(`${text}\n`),
      result: (_value, text) => stdout.write(`${text}\n`),
      stop: () => undefined,
    };
  }

  // A terminal: completed steps scroll up as lines; the last line is redrawn with the clock.
  let current = '';
  const draw = () => {
    if (current) stderr.write(`${CLEAR_LINE}  ${since()}  ... ${current}`);
  };
  const clear = () => {
    if (current) stderr.write(CLEAR_LINE);
  };
  const tickMs = options.tickMs ?? 1000;
  const timer = tickMs > 0 ? setInterval(draw, tickMs) : undefined;
  timer?.unref();
  const stop = () => {
    if (timer) clearInterval(timer);
    clear();
    current = '';
  };
  return {
    step: (name) => {
      clear();
      stderr.write(`  ${since()}  ${name}\n`);
      draw();
    },
    waiting: (text) => {
      current = text;
      draw();
    },
    note: (text) => {
      clear();
      stderr.write(`${text}\n`);
      draw();
    },
    result: (_value, text) => {
      stop();
      stdout.write(`${text}\n`);
    },
    stop,
  };
}
