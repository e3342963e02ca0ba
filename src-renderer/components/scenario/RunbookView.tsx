/** The runbook as the room reads it: hypothesis, roles, targets, probes, SLOs, aborts, phases and steps. */
import { useMemo } from 'react';
import { runbookModel } from '../../lib/runbook-model.js';

export function RunbookView({ text }: { text: string }) {
  const m = useMemo(() => runbookModel(text), [text]);
  if (!m) return <p className="muted">The YAML does not parse; see the problems.</p>;
  return (
    <article className="runbook" data-testid="runbook">
      <h2 className="runbook-title">{m.title}</h2>
      {m.environment && <span className={`badge badge-env env-${m.environment}`}>{m.environment.toUpperCase()}</span>}
      {m.hypothesis && (
        <p className="hypothesis">
          <strong>Hypothesis.</strong> {m.hypothesis}
        </p>
      )}
      <div className="runbook-facts">
        {m.roles.length > 0 && <Facts title="Roles" rows={m.roles} />}
        {m.targets.length > 0 && <Facts title="Targets" rows={m.targets} />}
        {m.slos.length > 0 && <Facts title="SLOs" rows={m.slos} />}
        {m.aborts.length > 0 && <Facts title="Abort when" rows={m.aborts.map((a, i): [string, string] => [String(i + 1), a])} />}
      </div>
      {m.probes.length > 0 && (
        <>
          <h3>Probes</h3>
          <ul className="probe-defs">
            {m.probes.map((p) => (
              <li key={p.id}>
                <span className="mono">{p.id}</span> {p.kind} on {p.target} every {p.interval || '?'} <span className="muted">{p.title}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Phases</h3>
      <ol className="phases">
        {m.phases.map((p) => (
          <li key={p.id} className="phase-def">
            <div className="phase-def-head">
              <strong>{p.title}</strong> {p.duration && <span className="muted tabular">{p.duration}</span>}
            </div>
            <ol className="steps">
              {p.steps.map((s) => (
                <li key={s.id} className={s.risky ? 'step-def risky' : 'step-def'}>
                  <span className={`kind kind-${s.kind}`}>{s.kind}</span> <span>{s.title}</span>
                  {s.detail.length > 0 && <div className="muted small">{s.detail.join(' · ')}</div>}
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
    </article>
  );
}

function Facts({ title, rows }: { title: string; rows: Array<[string, string]> }) {
  return (
    <div className="facts">
      <h3>{title}</h3>
      <dl className="kv">
        {rows.map(([k, v]) => (
          <div key={k} className="kv-row">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
