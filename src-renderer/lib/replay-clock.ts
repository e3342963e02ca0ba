/**
 * The debrief's playhead: position over the run, play/pause, speed. Listeners hear about changes
 * at most once per animation frame however often the position moves (a scrubber drag fires many
 * input events per frame; 600× playback moves every frame), so the screen re-renders at most at
 * the display's rate and charts redraw on their own scheduler behind that.
 */

/** Replay speeds offered: real time, and fast enough to watch a 2-hour run in 12 s. */
export const REPLAY_SPEEDS = [1, 10, 60, 600] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

export interface FrameSource {
  request(fn: (now: number) => void): number;
  cancel(id: number): void;
}

const browserFrames: FrameSource = {
  request: (fn) => requestAnimationFrame(fn),
  cancel: (id) => cancelAnimationFrame(id),
};

export interface ClockState {
  /** ms since the run started, 0..durationMs. */
  positionMs: number;
  speed: ReplaySpeed;
  playing: boolean;
}

export class ReplayClock {
  private state: ClockState;
  private readonly listeners = new Set<() => void>();
  private frame: number | null = null;
  /** Frame time of the previous playing frame (null: the next frame starts the count). */
  private lastFrameAt: number | null = null;
  private dirty = false;
  /** Notifications sent (for tests and the debug line). */
  notifications = 0;

  constructor(
    readonly durationMs: number,
    private readonly frames: FrameSource = browserFrames,
  ) {
    this.state = { positionMs: 0, speed: 1, playing: false };
  }

  /** Stable between changes (useSyncExternalStore compares by reference). */
  getSnapshot = (): ClockState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  play(): void {
    if (this.state.playing) return;
    // Playing from the end starts over.
    const positionMs = this.state.positionMs >= this.durationMs ? 0 : this.state.positionMs;
    this.set({ playing: true, positionMs });
    this.lastFrameAt = null;
  }

  pause(): void {
    this.set({ playing: false });
  }

  toggle(): void {
    if (this.state.playing) this.pause();
    else this.play();
  }

  seek(positionMs: number): void {
    this.set({ positionMs: Math.max(0, Math.min(this.durationMs, positionMs)) });
    this.lastFrameAt = null;
  }

  setSpeed(speed: ReplaySpeed): void {
    this.set({ speed });
  }

  dispose(): void {
    if (this.frame !== null) this.frames.cancel(this.frame);
    this.frame = null;
    this.listeners.clear();
  }

  private set(patch: Partial<ClockState>): void {
    this.state = { ...this.state, ...patch };
    this.dirty = true;
    this.kick();
  }

  private kick(): void {
    if (this.frame === null) this.frame = this.frames.request((now) => this.onFrame(now));
  }

  private onFrame(now: number): void {
    this.frame = null;
    if (this.state.playing) {
      if (this.lastFrameAt !== null) {
        const positionMs = Math.min(this.durationMs, this.state.positionMs + (now - this.lastFrameAt) * this.state.speed);
        this.state = { ...this.state, positionMs, playing: positionMs < this.durationMs };
        this.dirty = true;
      }
      this.lastFrameAt = now;
    }
    if (this.dirty) {
      this.dirty = false;
      this.notifications++;
      for (const fn of this.listeners) fn();
    }
    if (this.state.playing) this.kick();
  }
}
