/** Who is in the room and in which role (from the scenario and the run). */
import { useConsole } from '../../store/store.js';

export function RolesPanel() {
  const roles = useConsole((s) => s.run?.roles);
  const commander = useConsole((s) => s.run?.commander);
  if (!roles) return null;
  const entries = Object.entries({ ...roles, ...(commander ? { commander: [commander] } : {}) });
  return (
    <div className="roles" aria-label="Roles" data-testid="roles">
      {entries.map(([role, people]) => (
        <span key={role} className="role">
          <span className={`pill role-${role}`}>{role}</span> {people.join(', ')}
        </span>
      ))}
    </div>
  );
}
