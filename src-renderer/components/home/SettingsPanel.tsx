/** Where things are: workspace (audit file, reports), inventory, transport, version. */
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

export function SettingsPanel() {
  const info = useConsole((s) => s.info);
  const inventoryFile = useConsole((s) => s.inventory?.file);
  return (
    <Panel title="Settings" testId="settings">
      <dl className="kv">
        <dt>Workspace</dt>
        <dd className="mono">{info?.workspace ?? '—'}</dd>
        <dt>Inventory</dt>
        <dd className="mono">{info?.inventory ?? inventoryFile ?? 'none'}</dd>
        <dt>SSH config</dt>
        <dd className="mono">{'from the inventory (ssh.config), default ~/.ssh/config'}</dd>
        <dt>Role</dt>
        <dd>{info?.role ?? '—'}</dd>
        <dt>Transport</dt>
        <dd>{info?.transport ?? '—'}</dd>
        <dt>Version</dt>
        <dd className="mono">{info?.version ?? '—'}</dd>
      </dl>
    </Panel>
  );
}
