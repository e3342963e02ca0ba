/** Output of every command, or an interactive shell: two tabs over one terminal area. */
import { useState } from 'react';
import { Panel } from '../common/Panel.js';
import { ExecTerminal } from './ExecTerminal.js';
import { ShellPanel } from './ShellPanel.js';

export function TerminalTabs({ initial = 'output' }: { initial?: 'output' | 'shell' }) {
  const [tab, setTab] = useState<'output' | 'shell'>(initial);
  return (
    <Panel
      title="Terminal"
      className="area-term"
      actions={
        <div role="tablist" aria-label="Terminal" className="tabs">
          <button type="button" role="tab" aria-selected={tab === 'output'} onClick={() => setTab('output')}>
            Command output
          </button>
          <button type="button" role="tab" aria-selected={tab === 'shell'} onClick={() => setTab('shell')}>
            Shell
          </button>
        </div>
      }
    >
      {tab === 'output' ? <ExecTerminal /> : <ShellPanel />}
    </Panel>
  );
}
