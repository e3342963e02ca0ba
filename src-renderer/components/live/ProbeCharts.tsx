/** One chart per probe of the run (from the snapshot, plus any probe that sent samples). */
import { probeUnit } from '../../../src-main/api/index.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { ProbeChart } from './ProbeChart.js';

export function ProbeCharts() {
  const probes = useConsole((s) => s.probes);
  const list = Object.values(probes);
  return (
    <Panel title="Probes" className="area-charts" testId="probe-charts">
      {list.length === 0 ? (
        <p className="muted">This scenario has no probes.</p>
      ) : (
        <div className="chart-grid">
          {list.map((p) => (
            <ProbeChart key={p.id} probeId={p.id} title={`${p.id} · ${p.kind} · every ${p.intervalMs} ms`} unit={p.unit ?? probeUnit(p)} intervalMs={p.intervalMs} />
          ))}
        </div>
      )}
    </Panel>
  );
}
