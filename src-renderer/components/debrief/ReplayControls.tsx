/** Play / pause, speed (1× 10× 60× 600×) and the scrubber over the whole run. */
import { clock as fmt } from '../../lib/format.js';
import { REPLAY_SPEEDS, type ClockState, type ReplayClock } from '../../lib/replay-clock.js';

export function ReplayControls({ clock, state }: { clock: ReplayClock; state: ClockState }) {
  // 2000 scrubber steps: fine enough for a 2-hour run (3.6 s a step), coarse enough for keys.
  const step = Math.max(100, Math.round(clock.durationMs / 2000));
  return (
    <div className="replay-controls" data-testid="replay-controls">
      <button type="button" className="button-primary replay-play" data-testid="replay-play" aria-pressed={state.playing} onClick={() => clock.toggle()}>
        {state.playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <div className="tabs" role="group" aria-label="Replay speed">
        {REPLAY_SPEEDS.map((s) => (
          <button key={s} type="button" data-testid={`replay-speed-${s}`} aria-selected={state.speed === s} aria-pressed={state.speed === s} onClick={() => clock.setSpeed(s)}>
            {s}×
          </button>
        ))}
      </div>
      <input
        type="range"
        className="replay-scrubber"
        data-testid="replay-scrubber"
        aria-label="Replay position"
        min={0}
        // A whole number of steps, so End reaches the end (the clock clamps to the run's length).
        max={Math.ceil(clock.durationMs / step) * step}
        step={step}
        value={Math.round(state.positionMs)}
        onChange={(e) => clock.seek(Number(e.target.value))}
      />
      <span className="tabular replay-time" data-testid="replay-time">
        {fmt(state.positionMs)} / {fmt(clock.durationMs)}
      </span>
    </div>
  );
}
