/**
 * Live recovery timers, one per fault (inject step) on the primary probe, plus any impact that
 * started while no fault was active ("unattributed": never part of a fault's figures). The figures
 * are the engine's one attribution (src-main/probes/impact.ts), the same the report prints:
 * time to detect, impact duration, recovery after the revert or self-healed during the fault,
 * relapses. "Recovered" appears only once a healthy run has held for the hold window (and through
 * the revert); until then the timer says "holding", and a relapse turns it "flapping" (amber, never
 * green). The precision (± probe interval) is printed: it bounds what we can claim.
 */
import type { TimerView } from '../../../src-main/api/index.js';
import { clock, duration } from '../../lib/format.js';
import { useEngineNow } from '../../lib/clock.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

const CLOCK_WORDS = { revert: 'after revert', inject: 'after fault active', detect: 'after detection' } as const;

const since = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? 'not yet' : `+${duration(a - b)}`);

/** The one line that says where the timer stands, in the room's words. */
export function timerStatus(t: TimerView, now: number): string {
  const relapses = t.relapses ?? 0;
  switch (t.state) {
    case 'waiting':
      return 'fault active · no impact seen yet';
    case 'degraded':
      return t.unattributed ? 'unhealthy · no fault active' : 'impact ongoing';
    case 'flapping':
      return `flapping · ${relapses} relaps${relapses === 1 ? 'e' : 'es'}`;
    case 'recovering': {
      const held = t.holdingSince === undefined ? 0 : Math.max(0, now - t.holdingSince);
      return t.endedAt === undefined ? `healthy again · holding until the revert (${duration(held)} so far)` : `healthy again · holding ${duration(Math.min(held, t.holdMs ?? held))} of ${duration(t.holdMs ?? 0)}`;
    }
    case 'interrupted':
      return `not confirmed · ${t.interruptedBy ?? 'the next fault'} became active first`;
    case 'recovered':
      if (t.unattributed) return 'recovered';
      return t.selfHealed ? 'self-healed during the fault' : `recovered ${duration(t.recoverAfterRevertMs ?? 0)} after the revert`;
  }
}

export function RecoveryTimers() {
  const timers = useConsole((s) => s.timers);
  const faults = useConsole((s) => s.faults);
  const now = useEngineNow();
  const list = Object.values(timers);
  return (
    <Panel title="Recovery timers" className="area-timers" testId="timers">
      {list.length === 0 ? (
        <p className="muted">Timers start when a fault is injected.</p>
      ) : (
        <ul className="timers">
          {list.map((t) => {
            // Timers name the fault by its id or by its inject step's id.
            const f = t.unattributed ? undefined : (faults[t.faultId] ?? Object.values(faults).find((x) => x.stepId === t.faultId));
            const end = t.recoveredAt ?? t.interruptedAt ?? now;
            const elapsed = end - t.injectedAt;
            // An impact still going on grows with the clock; a closed one is the engine's figure.
            const ongoing = t.state === 'degraded' || t.state === 'recovering' || t.state === 'flapping';
            const impact = ongoing && t.detectedAt !== undefined ? Math.max(0, now - t.detectedAt) : t.impactMs;
            const status = timerStatus(t, now);
            return (
              <li key={`${t.faultId}|${t.probeId}|${t.series}`} className={`timer colour-${t.colour} timer-${t.state}`} data-testid="timer" data-state={t.state} data-colour={t.colour} data-unattributed={t.unattributed ? 'true' : undefined}>
                <div className="timer-label">
                  <span className="mono">{t.unattributed ? 'unattributed impact' : f ? `${f.kind}@${f.node}` : t.faultId}</span>
                  <span className="muted">
                    {t.probeId} · {t.series}
                  </span>
                </div>
                <div className="timer-big tabular" aria-label={`${status}; ${clock(elapsed)}`}>
                  {clock(elapsed)}
                </div>
                <div className="timer-status" data-testid="timer-status">
                  {status}
                </div>
                <dl className="timer-facts tabular">
                  <Fact k="detect" v={t.unattributed ? '—' : since(t.detectedAt, t.injectedAt)} />
                  <Fact k="impact" v={impact === undefined ? '—' : duration(impact)} />
                  <Fact k="after revert" v={t.selfHealed ? `self-healed +${duration(t.selfHealedAfterMs ?? 0)}` : t.recoverAfterRevertMs !== undefined ? duration(t.recoverAfterRevertMs) : t.endedAt === undefined ? 'not reverted' : 'not yet'} />
                  <Fact k="relapses" v={String(t.relapses ?? 0)} />
                  <Fact k="target" v={t.targetMs ? `${duration(t.targetMs)} ${CLOCK_WORDS[t.clock ?? 'revert']}` : '—'} />
                  <Fact k="hold" v={t.holdMs ? duration(t.holdMs) : '—'} />
                  <Fact k="precision" v={`± ${duration(t.precisionMs)}`} />
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}

function Fact({ k, v }: { k: string; v: string }) {
  return (
    <div className="fact">
      <dt>{k}</dt>
      <dd>{v}</dd>
    </div>
  );
}
