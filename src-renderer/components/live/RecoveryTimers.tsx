/**
 * Live recovery timers per fault × probe series: time since inject, when the probe noticed
 * (time-to-detect), when it was healthy again (time-to-recover), against the target — green within,
 * amber close, red over. The precision (± probe interval) is printed: it bounds what we can claim.
 */
import { clock, duration } from '../../lib/format.js';
import { useEngineNow } from '../../lib/clock.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

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
            const f = faults[t.faultId] ?? Object.values(faults).find((x) => x.stepId === t.faultId);
            const end = t.recoveredAt ?? now;
            const elapsed = end - t.injectedAt;
            return (
              <li key={`${t.faultId}|${t.probeId}|${t.series}`} className={`timer colour-${t.colour} timer-${t.state}`} data-testid="timer" data-state={t.state} data-colour={t.colour}>
                <div className="timer-label">
                  <span className="mono">{f ? `${f.kind}@${f.node}` : t.faultId}</span>
                  <span className="muted">
                    {t.probeId} · {t.series}
                  </span>
                </div>
                <div className="timer-big tabular" aria-label={`${t.state} for ${clock(elapsed)}`}>
                  {clock(elapsed)}
                </div>
                <dl className="timer-facts tabular">
                  <Fact k="detected" v={t.detectedAt ? `+${duration(t.detectedAt - t.injectedAt)}` : 'not yet'} />
                  <Fact k="recovered" v={t.recoveredAt ? `+${duration(t.recoveredAt - t.injectedAt)}` : 'not yet'} />
                  <Fact k="target" v={t.targetMs ? duration(t.targetMs) : '—'} />
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
