/**
 * The two ways in for someone who just installed the console: the demo game day (the runbook
 * tagged `demo`) and a training drill (a runbook tagged `drill`). Both go to preflight with the
 * mode chosen; starting stays one deliberate click after the node checks. On the simulated lab
 * both say SIMULATED: nothing real is touched.
 */
import { useConsole } from '../../store/store.js';
import type { CommandRes } from '../../../src-main/api/index.js';

type Summary = CommandRes<'scenario.list'>[number];

export function FeaturedCards() {
  const scenarios = useConsole((s) => s.scenarios);
  const simulated = useConsole((s) => Boolean(s.info?.simulated));
  const observer = useConsole((s) => s.info?.role === 'observer');
  const go = useConsole((s) => s.go);
  if (!scenarios) return null;
  const demo = scenarios.find((s) => s.tags.includes('demo') && s.valid);
  // Two different runbooks when there are two (the demo may be a drill runbook too).
  const isDrill = (s: Summary): boolean => s.tags.includes('drill') && s.valid;
  const drill = scenarios.find((s) => isDrill(s) && s !== demo) ?? scenarios.find(isDrill);
  if (!demo && !drill) return null;
  const sim = simulated && (
    <span className="badge badge-sim" data-testid="featured-simulated" title="The simulated lab: real SSH into simulated nodes">
      SIMULATED
    </span>
  );
  const card = (s: Summary, kind: 'demo' | 'drill') => (
    <section className={`featured featured-${kind}`} data-testid={kind === 'demo' ? 'demo-card' : 'drill-card'} data-file={s.file} aria-label={kind === 'demo' ? 'Demo game day' : 'Training drill'}>
      <div className="featured-head">
        <span className="featured-kicker">{kind === 'demo' ? 'Demo game day' : 'Training drill'}</span>
        {sim}
      </div>
      <h2 className="featured-title">{s.title}</h2>
      <p className="featured-hypothesis" data-testid="featured-hypothesis">{kind === 'demo' ? (s.hypothesis ?? 'A game day on the lab: inject, watch the probes, recover.') : 'Find what is wrong from the charts and a shell, declare it, get scored. The faults stay hidden from trainees.'}</p>
      <p className="muted small">
        {s.phases} phases · {s.steps} steps · {s.environment}
      </p>
      <div className="button-row">
        <button type="button" className="button-primary big-button" data-testid={kind === 'demo' ? 'start-demo' : 'start-drill'} disabled={observer} onClick={() => go('preflight', { scenarioFile: s.file, startMode: kind === 'demo' ? 'gameday' : 'drill' })}>
          {kind === 'demo' ? 'Start demo game day' : 'Start a training drill'}
        </button>
        <button type="button" className="button-ghost" onClick={() => go('scenario', { scenarioFile: s.file })}>
          Read the runbook
        </button>
      </div>
    </section>
  );
  return (
    <div className="featured-row">
      {demo && card(demo, 'demo')}
      {drill && card(drill, 'drill')}
    </div>
  );
}
