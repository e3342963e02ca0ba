/**
 * Badges that must never be missed: SIMULATED, DRY RUN, TABLETOP, DRILL, TRAINEE, OBSERVER, the
 * environment, the connection. Each has a full and a short label: the header shows the short one
 * (full text in the tooltip) when the window is too narrow for the full ones, so the badges give
 * way and STOP keeps its place.
 */
import { useConsole } from '../../store/store.js';
import type { RunMode } from '../../../src-main/api/index.js';
import type { AppInfo, ConnectionState } from '../../store/types.js';

export interface BadgeDef {
  id: string;
  cls: string;
  full: string;
  short: string;
  title: string;
  role?: 'status';
}

/** What the badges depend on: a few plain values, so a selector can compare them cheaply. */
export interface BadgeFacts {
  simulated: boolean;
  dryRun: boolean;
  mode: RunMode | undefined;
  role: AppInfo['role'] | undefined;
  env: string | undefined;
  connection: ConnectionState;
}

/** The badges to show, in order (pure: the header measures the same list). */
export function badgeList(s: BadgeFacts): BadgeDef[] {
  const out: BadgeDef[] = [];
  const role = s.role;
  if (s.simulated) out.push({ id: 'simulated', cls: 'badge-sim', full: 'SIMULATED', short: 'SIMULATED', title: 'Nodes are simulated in-process; nothing real is touched' });
  // A rehearsal runs on the dry-run path; its TABLETOP badge says more than DRY RUN would.
  if (s.dryRun && s.mode !== 'rehearsal') out.push({ id: 'dry-run', cls: 'badge-dry', full: 'DRY RUN', short: 'DRY RUN', title: 'Dry run: commands are printed, not run' });
  if (s.mode === 'rehearsal') out.push({ id: 'tabletop', cls: 'badge-tabletop', full: 'TABLETOP · NOTHING SENT', short: 'TABLETOP', title: 'Tabletop rehearsal: nothing is sent to any node, no probe runs' });
  if (s.mode === 'drill') out.push({ id: 'drill', cls: 'badge-drill', full: 'DRILL', short: 'DRILL', title: 'Training drill: faults are hidden from trainees' });
  if (role === 'trainee') out.push({ id: 'trainee', cls: 'badge-observer', full: 'TRAINEE', short: 'TRAINEE', title: 'Trainee screen: hidden faults are not sent here' });
  if (role === 'observer') out.push({ id: 'observer', cls: 'badge-observer', full: 'OBSERVER', short: 'OBSERVER', title: 'Observer screen: read-only' });
  const env = s.env;
  if (env) out.push({ id: 'env', cls: `badge-env env-${env}`, full: env.toUpperCase(), short: env.toUpperCase(), title: `Environment of this run: ${env}` });
  if (s.connection !== 'open') {
    const full = s.connection === 'connecting' ? 'CONNECTING…' : 'DISCONNECTED';
    out.push({ id: 'connection', cls: 'badge-conn', full, short: s.connection === 'connecting' ? 'CONN…' : 'OFFLINE', title: full === 'DISCONNECTED' ? 'Disconnected from the console: reconnecting' : 'Connecting to the console', role: 'status' });
  }
  return out;
}

/**
 * The badge row. `compact` uses the short labels; `measure` renders a copy without test ids or
 * live regions, for the header to measure the full width.
 */
export function Badges({ compact = false, measure = false }: { compact?: boolean; measure?: boolean }) {
  const defs = badgeList({
    simulated: useConsole((s) => Boolean(s.info?.simulated || s.run?.simulated)),
    dryRun: useConsole((s) => Boolean(s.run?.dryRun)),
    mode: useConsole((s) => s.run?.mode),
    role: useConsole((s) => s.info?.role),
    env: useConsole((s) => s.run?.environment),
    connection: useConsole((s) => s.connection),
  });
  return (
    <div className={`badges${compact ? ' badges-compact' : ''}`} aria-label={measure ? undefined : 'status badges'} aria-hidden={measure || undefined}>
      {defs.map(({ id, cls, full, short, title, role }) => {
        const text = compact ? short : full;
        return (
          <span key={id} className={`badge ${cls}`} data-testid={measure ? undefined : `badge-${id}`} title={text === full ? title : `${full} — ${title}`} role={!measure && role ? 'status' : undefined}>
            {text}
          </span>
        );
      })}
    </div>
  );
}
