/** Badges that must never be missed: SIMULATED, DRY RUN, OBSERVER, the environment, the connection. */
import { useConsole } from '../../store/store.js';

export function Badges() {
  const simulated = useConsole((s) => Boolean(s.info?.simulated || s.run?.simulated));
  // A rehearsal runs on the dry-run path; its TABLETOP badge says more than DRY RUN would.
  const dryRun = useConsole((s) => Boolean(s.run?.dryRun) && s.run?.mode !== 'rehearsal');
  const observer = useConsole((s) => s.info?.role === 'observer');
  const trainee = useConsole((s) => s.info?.role === 'trainee');
  const mode = useConsole((s) => s.run?.mode);
  const env = useConsole((s) => s.run?.environment);
  const connection = useConsole((s) => s.connection);
  return (
    <div className="badges" aria-label="status badges">
      {simulated && <span className="badge badge-sim" data-testid="badge-simulated" title="Nodes are simulated in-process; nothing real is touched">SIMULATED</span>}
      {dryRun && <span className="badge badge-dry" data-testid="badge-dry-run" title="Commands are printed, not run">DRY RUN</span>}
      {mode === 'rehearsal' && <span className="badge badge-tabletop" data-testid="badge-tabletop" title="Tabletop rehearsal: nothing is sent to any node, no probe runs">TABLETOP · NOTHING SENT</span>}
      {mode === 'drill' && <span className="badge badge-drill" data-testid="badge-drill" title="Training drill: faults are hidden from trainees">DRILL</span>}
      {trainee && <span className="badge badge-observer" data-testid="badge-trainee" title="Trainee screen: hidden faults are not sent here">TRAINEE</span>}
      {observer && <span className="badge badge-observer" data-testid="badge-observer" title="Read-only screen">OBSERVER</span>}
      {env && <span className={`badge badge-env env-${env}`}>{env.toUpperCase()}</span>}
      {connection !== 'open' && (
        <span className="badge badge-conn" role="status" data-testid="badge-connection">
          {connection === 'connecting' ? 'CONNECTING…' : 'DISCONNECTED'}
        </span>
      )}
    </div>
  );
}
