/**
 * Debrief: replay a finished run (any mode) at 1×–600× with a scrubber — events, probe charts cut
 * at the playhead with fault bands, faults active then, notes, declarations and hints so far — and
 * the drill's score and answer at the end. The playhead lives in a ReplayClock that tells React at
 * most once per animation frame; charts redraw on the chart scheduler behind that.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Debrief } from '../../../src-main/api/index.js';
import { dateTime, duration } from '../../lib/format.js';
import { frameAt, frameKey, prepareReplay, type Replay, type ReplayFrame } from '../../lib/replay.js';
import { ReplayClock } from '../../lib/replay-clock.js';
import { useActions } from '../../store/actions.js';
import { debriefRunOf } from '../../store/selectors.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { RunIdentity, RunPicker } from '../common/RunPicker.js';
import { ScoreCard } from '../drill/ScoreCard.js';
import { ReplayChart } from './ReplayChart.js';
import { ReplayControls } from './ReplayControls.js';
import { ReplayPanels } from './ReplayPanels.js';

export function DebriefScreen() {
  const actions = useActions();
  const runId = useConsole(debriefRunOf);
  const pick = useConsole((s) => s.pickRun);
  const trainee = useConsole((s) => s.info?.role === 'trainee');
  const [debrief, setDebrief] = useState<Debrief | null | 'failed'>(null);
  useEffect(() => {
    if (!runId) return;
    setDebrief(null);
    let gone = false;
    void actions.call('run.debrief', { runId }).then((d) => !gone && setDebrief(d ?? 'failed'));
    return () => {
      gone = true;
    };
  }, [actions, runId]);
  // Trainees replay the drill they took part in; the list of every run is not theirs to browse.
  const picker = trainee ? null : <RunPicker value={runId} onChange={(id) => pick('debrief', id)} testId="debrief-run-picker" />;
  if (!runId)
    return (
      <div className="screen empty" data-screen="debrief">
        <p>No finished run yet{picker ? '. Pick one:' : '.'}</p>
        {picker}
      </div>
    );
  if (debrief === null || debrief === 'failed')
    return (
      <div className="screen empty" data-screen="debrief" data-debrief={debrief === null ? 'loading' : 'failed'}>
        <p>{debrief === null ? `Loading ${runId}…` : `The debrief of ${runId} could not be loaded (see the message above).`}</p>
        {picker}
      </div>
    );
  return <Replayer key={debrief.runId} debrief={debrief} picker={picker} trainee={trainee} />;
}

function Replayer({ debrief, picker, trainee }: { debrief: Debrief; picker: ReactNode; trainee: boolean }) {
  const replay: Replay = useMemo(() => prepareReplay(debrief), [debrief]);
  const clock = useMemo(() => new ReplayClock(replay.durationMs), [replay]);
  useEffect(() => () => clock.dispose(), [clock]);
  const state = useSyncExternalStore(clock.subscribe, clock.getSnapshot);
  const at = replay.startedAt + state.positionMs;
  // The lists re-render only when what they show changes (see frameKey), not at every frame of playback.
  const latest = frameAt(replay, at);
  const held = useRef<{ key: string; frame: ReplayFrame } | null>(null);
  const key = frameKey(latest);
  if (held.current?.key !== key) held.current = { key, frame: latest };
  const frame = held.current.frame;
  const drill = debrief.drill;
  return (
    <div className="screen screen-debrief" data-screen="debrief" data-debrief="ready" data-position={Math.round(state.positionMs)} data-at={Math.round(at)} data-duration={replay.durationMs} data-ended={frame.ended} data-playing={state.playing}>
      <div className="screen-bar">
        {trainee ? (
          <h1 className="ellipsis" title={debrief.title}>
            Debrief · {debrief.title}
          </h1>
        ) : (
          <RunIdentity runId={debrief.runId} heading="Debrief" />
        )}
        {picker}
        <span className="muted small">
          {dateTime(debrief.startedAt)} · {duration(replay.durationMs)}
        </span>
      </div>
      <ReplayControls clock={clock} state={state} />
      <div className="grid-debrief">
        <Panel title="Probes" className="area-replay-charts" testId="replay-charts">
          {debrief.probes.length === 0 ? (
            <p className="muted">This run recorded no probe samples.</p>
          ) : (
            <div className="chart-grid">
              {debrief.probes.map((p) => (
                <ReplayChart key={p.probeId} replay={replay} clock={clock} probeId={p.probeId} unit={p.unit ?? 'value'} {...(p.intervalMs ? { intervalMs: p.intervalMs } : {})} />
              ))}
            </div>
          )}
        </Panel>
        <ReplayPanels replay={replay} frame={frame} />
        {drill && (
          <Panel title="Score" className="area-replay-score" testId="replay-score">
            {!frame.ended ? (
              <p className="muted">The score is shown at the end of the replay.</p>
            ) : (
              <>
                {drill.answer && (
                  <p data-testid="replay-answer">
                    Answer: <strong>{drill.answer}</strong>
                  </p>
                )}
                {drill.score ? <ScoreCard score={drill.score} testId="debrief-score" /> : <p className="muted">No score recorded.</p>}
              </>
            )}
          </Panel>
        )}
      </div>
    </div>
  );
}
