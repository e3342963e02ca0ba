// nvidia-smi simulator. Flags, query field names and exit codes follow the nvidia-smi man page
// (REFERENCE-tools.md §2.1-2.2): 0 success, 2 invalid argument, 3 not available, 4 no permission,
// 6 not found, 9 driver not loaded, 255 other. Set commands need root ("Requires root.").
// Message wording is modelled on real output as quoted in public issues; the exit codes are the contract.
import { ArgError, finish, isRoot, parse } from './cli.mjs';
import { MODELS, metrics, resetGpu } from './model.mjs';
import { labVendor, withState } from './state.mjs';

const F = (names, dest, kind = 'flag') => ({ names, dest, kind });
const SPECS = [
  F(['-h', '--help'], 'help'), F(['-L', '--list-gpus'], 'list'), F(['-i', '--id'], 'id', 'one'),
  F(['--query-gpu'], 'queryGpu', 'one'), F(['--query-compute-apps'], 'queryApps', 'one'), F(['--format'], 'format', 'one'),
  F(['--help-query-gpu'], 'helpQuery'), F(['-pl', '--power-limit'], 'pl', 'one'), F(['-lgc', '--lock-gpu-clocks'], 'lgc', 'one'),
  F(['-rgc', '--reset-gpu-clocks'], 'rgc'), F(['-r', '--gpu-reset'], 'reset'), F(['-pm', '--persistence-mode'], 'pm', 'one'),
];
const res = (code, out = '', err = '') => ({ code, out, err });
const INVALID = "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n";

/** --query-gpu fields (names from `nvidia-smi --help-query-gpu`): header unit and value. */
function gpuFields(st, g) {
  const m = MODELS[st.model];
  const x = metrics(st.model, g);
  const w = (v) => [v.toFixed(2), 'W'];
  const bus = m.bdfs[g.index];
  return {
    index: [String(g.index)], uuid: [uuid(g.index)], name: [m.series], 'pci.bus_id': [bus], driver_version: ['550.90.12'],
    'temperature.gpu': [String(Math.round(x.edgeC))], 'utilization.gpu': [String(x.utilPct), '%'],
    'utilization.memory': [String(x.utilPct ? 35 : 0), '%'], 'power.draw': w(x.powerW), 'power.limit': w(g.powerCapW),
    'enforced.power.limit': w(g.powerCapW), 'power.default_limit': w(m.defaultCapW), 'power.min_limit': w(m.minCapW),
    'power.max_limit': w(m.maxCapW), 'memory.used': [String(Math.round(x.vramUsed / 1048576)), 'MiB'],
    'memory.total': [String(Math.round(x.vramTotal / 1048576)), 'MiB'], 'clocks.sm': [String(x.sclkMHz), 'MHz'],
    'clocks.mem': [String(x.mclkMHz), 'MHz'], 'clocks.max.sm': [String(m.sclkLevels[m.sclkLevels.length - 1]), 'MHz'],
    persistence_mode: [g.persistence ? 'Enabled' : 'Disabled'],
  };
}

function uuid(i) {
  return `GPU-5c1f6d1e-8f1a-4c5b-9e4d-00000000000${i}`;
}

/** Run nvidia-smi with argv; exits the process. */
export function main(argv) {
  let a;
  try {
    const p = parse(argv, SPECS);
    if (p.unknown.length) throw new ArgError('unknown');
    a = p.args;
  } catch (e) {
    if (e instanceof ArgError) return finish(2, INVALID);
    throw e;
  }
  if (a.help) return finish(0, 'NVIDIA System Management Interface -- v550.90.12 (simulated)\n');
  if (labVendor() !== 'nvidia') {
    return finish(9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n");
  }
  if ((a.pl !== undefined || a.lgc !== undefined || a.rgc || a.reset || a.pm !== undefined) && !isRoot()) {
    // NVML_ERROR_NO_PERMISSION -> exit 4.
    return finish(4, '', 'Insufficient Permissions\nTerminating early due to previous errors.\n');
  }
  const r = withState((st) => run(st, a));
  return finish(r.code, r.out, r.err);
}

function run(st, a) {
  let gpus = st.gpus;
  if (a.id !== undefined) {
    const m = MODELS[st.model];
    gpus = a.id.split(',').map((id) => st.gpus.find((g) => String(g.index) === id || uuid(g.index) === id || m.bdfs[g.index] === id));
    if (gpus.some((g) => g === undefined)) return res(6, 'No devices were found\n');
  }
  const bus = (g) => MODELS[st.model].bdfs[g.index];
  if (a.helpQuery) return res(0, `List of valid properties to query for the switch "--query-gpu=":\n\n${Object.keys(gpuFields(st, st.gpus[0])).map((f) => `"${f}"\n`).join('')}`);
  if (a.list) return res(0, gpus.map((g) => `GPU ${g.index}: ${MODELS[st.model].series} (UUID: ${uuid(g.index)})\n`).join(''));
  if (a.queryGpu !== undefined || a.queryApps !== undefined) {
    if (!a.format || !a.format.split(',').includes('csv')) return res(2, INVALID);
    const opts = a.format.split(',');
    const names = (a.queryGpu ?? a.queryApps).split(',').map((s) => s.trim());
    let rows;
    let units;
    if (a.queryGpu !== undefined) {
      const bad = names.find((n) => !(n in gpuFields(st, st.gpus[0])));
      if (bad) return res(2, `Field "${bad}" is not a valid field to query.\n\n`);
      rows = gpus.map((g) => names.map((n) => gpuFields(st, g)[n]));
      units = names.map((n) => gpuFields(st, st.gpus[0])[n][1]);
    } else {
      const appFields = { pid: [], process_name: [], gpu_uuid: [], gpu_bus_id: [], used_memory: ['MiB'] };
      const bad = names.find((n) => !(n in appFields));
      if (bad) return res(2, `Field "${bad}" is not a valid field to query.\n\n`);
      rows = [];
      for (const g of gpus) for (const p of g.processes) {
        const v = { pid: [String(p.pid)], process_name: [p.name], gpu_uuid: [uuid(g.index)], gpu_bus_id: [bus(g)],
          used_memory: [String(Math.round((p.vram || 0) / 1048576)), 'MiB'] };
        rows.push(names.map((n) => v[n]));
      }
      units = names.map((n) => appFields[n][0]);
    }
    const head = names.map((n, i) => (units[i] && !opts.includes('nounits') ? `${n} [${units[i]}]` : n)).join(', ');
    const body = rows.map((r) => r.map(([v, u]) => (u && !opts.includes('nounits') ? `${v} ${u}` : v)).join(', '));
    return res(0, [...(opts.includes('noheader') ? [] : [head]), ...body].map((l) => `${l}\n`).join(''));
  }
  let out = '';
  if (a.pm !== undefined) {
    if (a.pm !== '0' && a.pm !== '1') return res(2, INVALID);
    for (const g of gpus) { g.persistence = Number(a.pm); out += `${g.persistence ? 'Enabled' : 'Disabled'} persistence mode for GPU ${bus(g)}.\n`; }
  }
  if (a.pl !== undefined) {
    const m = MODELS[st.model];
    const w = Number(a.pl);
    if (!Number.isFinite(w)) return res(2, INVALID);
    for (const g of gpus) {
      if (w < m.minCapW || w > m.maxCapW) {
        return res(2, `Provided power limit ${w.toFixed(2)} W is not a valid power limit which should be between ${m.minCapW.toFixed(2)} W and ${m.maxCapW.toFixed(2)} W for GPU ${bus(g)}\nTerminating early due to previous errors.\n`);
      }
      const before = g.powerCapW;
      g.powerCapW = w;
      out += `Power limit for GPU ${bus(g)} was set to ${w.toFixed(2)} W from ${before.toFixed(2)} W.\n`;
      // Settings are volatile without persistence mode (the driver unloads when the last client exits).
      if (!g.persistence) out += `Warning: persistence mode is disabled on device ${bus(g)}. See the Known Issues section of the nvidia-smi(1) man page for more information. Run with [--help | -h] switch to get more information on how to enable persistence mode.\n`;
    }
  }
  if (a.lgc !== undefined) {
    const parts = a.lgc.split(',');
    const [lo, hi] = parts.length === 1 ? [parts[0], parts[0]] : parts;
    if (parts.length > 2 || !/^\d+$/.test(lo) || !/^\d+$/.test(hi) || Number(lo) > Number(hi)) return res(2, INVALID);
    for (const g of gpus) {
      g.clockLock = { min: Number(lo), max: Number(hi) };
      out += `GPU clocks set to "(gpcClkMin ${lo}, gpcClkMax ${hi})" for GPU ${bus(g)}\n`;
    }
  }
  if (a.rgc) for (const g of gpus) g.clockLock = null;
  if (a.reset) {
    // Persistence mode and running processes both count as clients; the reset is refused.
    const busy = gpus.filter((g) => g.processes.length > 0 || g.persistence);
    if (busy.length) {
      return res(255, `The following GPUs could not be reset:\n${busy.map((g) => `  GPU ${bus(g)}: In use by another client\n`).join('')}\n${busy.length} device is currently being used by one or more other processes (e.g., Fabric Manager, CUDA application, graphics application such as an X server, or a monitoring application such as another instance of nvidia-smi). Please first kill all processes using this device and all compute applications running in the system.\n`);
    }
    for (const g of gpus) { resetGpu(st.model, g); out += `GPU ${bus(g)} was successfully reset.\n`; }
  }
  if (!out && !a.rgc) return res(0, 'Simulated nvidia-smi: no summary view; use --query-gpu.\n');
  return res(0, `${out}All done.\n`);
}
