// amd-smi simulator. Behaviour follows ROCm/amdsmi amdsmi_cli (README help text, amdsmi_commands.py,
// amdsmi_cli.py, amdsmi_cli_exceptions.py; REFERENCE-tools.md §1.4): subcommands and flags, JSON as
// a list of per-GPU objects (json.dumps indent=4) whose measured values are {"value", "unit"},
// PermissionError('Command requires elevation') for set/reset without root (amd-smi never re-execs
// under sudo), and `reset -o` going to the MAX cap rather than the previous one.
import { ArgError, finish, isRoot, parse, pyDumps } from './cli.mjs';
import { FAN_MAX_LEVEL, MODELS, metrics, resetGpu } from './model.mjs';
import { labVendor, withState } from './state.mjs';

const F = (names, dest, kind = 'flag') => ({ names, dest, kind });
const COMMON = [F(['-h', '--help'], 'help'), F(['-g', '--gpu'], 'gpu', 'plus'), F(['--json'], 'json'), F(['--csv'], 'csv'),
  F(['--file'], 'file', 'one'), F(['--loglevel'], 'loglevel', 'one')];
const SUB = {
  version: [], list: [],
  static: [F(['-a', '--asic'], 'asic'), F(['-b', '--bus'], 'bus'), F(['-d', '--driver'], 'driver'), F(['-v', '--vram'], 'vram'),
    F(['-B', '--board'], 'board'), F(['-l', '--limit'], 'limit')],
  metric: [F(['-u', '--usage'], 'usage'), F(['-p', '--power'], 'power'), F(['-t', '--temperature'], 'temperature'),
    F(['-m', '--mem-usage'], 'mem_usage'), F(['-c', '--clock'], 'clock'), F(['-l', '--perf-level'], 'perf_level'), F(['-f', '--fan'], 'fan')],
  process: [F(['-G', '--general'], 'general'), F(['-e', '--engine'], 'engine'), F(['-p', '--pid'], 'pid', 'one'), F(['-n', '--name'], 'name', 'one')],
  set: [F(['-f', '--fan'], 'fan', 'one'), F(['-l', '--perf-level'], 'perf_level', 'one'), F(['-d', '--perf-determinism'], 'perf_determinism', 'one'),
    F(['-o', '--power-cap'], 'power_cap', 'one')],
  reset: [F(['-G', '--gpureset'], 'gpureset'), F(['-c', '--clocks'], 'clocks'), F(['-f', '--fans'], 'fans'), F(['-p', '--profile'], 'profile'),
    F(['-d', '--perf-determinism'], 'perf_determinism'), F(['-o', '--power-cap'], 'power_cap')],
};
// AmdSmiDevPerfLevel enum names, upper-cased (the -l choices).
const LEVELS = ['AUTO', 'LOW', 'HIGH', 'MANUAL', 'STABLE_STD', 'STABLE_PEAK', 'STABLE_MIN_MCLK', 'STABLE_MIN_SCLK', 'DETERMINISM'];
const vu = (value, unit) => ({ value, unit });
const res = (code, out = '', err = '') => ({ code, out, err });

/** Run amd-smi with argv; exits the process. */
export function main(rawArgv) {
  // amdsmi_cli.py lower-cases every argument except short options before parsing.
  const argv = rawArgv.map((x) => (x.startsWith('--') || !x.startsWith('-') ? x.toLowerCase() : x));
  const sub = argv[0];
  if (sub === undefined || sub === '-h' || sub === '--help') return finish(0, 'usage: amd-smi [-h]  ...\n\nAMD System Management Interface | Version: 24.6.3.0 (simulated)\n');
  if (!SUB[sub]) return finish(0, `Command '${sub}' is invalid. Run '--help' for more info. Error code: -1\n`);
  let a;
  try {
    const p = parse(argv.slice(1), [...COMMON, ...SUB[sub]]);
    if (p.unknown.length) throw new ArgError(`unrecognized arguments: ${p.unknown.join(' ')}`);
    a = p.args;
  } catch (e) {
    if (e instanceof ArgError) return finish(2, '', `usage: amd-smi ${sub} [-h] [-g GPU [GPU ...]] ...\namd-smi ${sub}: error: ${e.message}\n`);
    throw e;
  }
  if (a.help) return finish(0, `usage: amd-smi ${sub} [-h] ...\n`);
  if (labVendor() !== 'amd') {
    // amdsmi_init() finds no amdgpu device: an error line, then exit(-1) -> status 255.
    return finish(255, '', 'ERROR:root:Unable to detect any GPU devices, check amdgpu version and module status (sudo modprobe amdgpu)\n');
  }
  if ((sub === 'set' || sub === 'reset') && !isRoot()) {
    // PermissionError escapes main(); sys.tracebacklimit = -1 leaves only the last line. Exit 1.
    return finish(1, '', 'PermissionError: Command requires elevation\n');
  }
  const r = withState((st) => run(st, sub, a));
  return finish(r.code, r.out, r.err);
}

function selectGpus(st, a, required) {
  if (!a.gpu) return required ? { error: `A GPU must be specified to ${required} a configuration.` } : { gpus: st.gpus };
  const out = [];
  for (const sel of a.gpu) {
    const m = MODELS[st.model];
    const g = sel === 'all' ? st.gpus : st.gpus.filter((x) => String(x.index) === sel || m.bdfs[x.index].toLowerCase() === sel || uuid(x.index) === sel);
    if (g.length === 0) return { error: `GPU Device with GPU_INDEX '${sel}' cannot be found on the system. Error code: -3` };
    for (const x of g) if (!out.includes(x)) out.push(x);
  }
  return { gpus: out };
}

function uuid(i) {
  return `${i}eff74a0-0000-1000-808f-7e20764e271${i}`;
}

function run(st, sub, a) {
  const m = MODELS[st.model];
  if (sub === 'version') return res(0, 'AMDSMI Tool: 24.6.3+simulated | AMDSMI Library version: 24.6.3.0 | ROCm version: 6.2.2\n');
  const sel = selectGpus(st, a, sub === 'set' || sub === 'reset' ? sub : '');
  // AmdSmiException text goes to stdout and main() returns normally, so the status is 0.
  if (sel.error) return res(0, `${sel.error}\n`);
  if (sub === 'set') return setValues(st, sel.gpus, a);
  if (sub === 'reset') return resetValues(st, sel.gpus, a);
  const items = sel.gpus.map((g) => ({ gpu: g.index, ...section(st, m, sub, g, a) }));
  // Newer releases wrap metric output as {"gpu_data": [...]}; the lab can imitate either shape.
  const doc = sub === 'metric' && process.env.GAMEDAY_LAB_AMDSMI_JSON === 'gpu_data' ? { gpu_data: items } : items;
  if (a.json) return res(0, `${pyDumps(doc, 4)}\n`);
  return res(0, items.map((it) => human(it)).join('\n'));
}

function section(st, m, sub, g, a) {
  const x = metrics(st.model, g);
  if (sub === 'list') return { bdf: m.bdfs[g.index], uuid: uuid(g.index), kfd_id: 40000 + g.index, node_id: 2 + g.index, partition_id: 0 };
  if (sub === 'process') {
    const list = g.processes.map((p) => ({ process_info: {
      name: p.name, pid: p.pid,
      memory_usage: { gtt_mem: vu(0, 'B'), cpu_mem: vu(0, 'B'), vram_mem: vu(p.vram || 0, 'B') },
      mem_usage: vu(p.vram || 0, 'B'), usage: { gfx: vu(0, 'ns'), enc: vu(0, 'ns') } } }));
    return { process_list: list.length ? list : [{ process_info: 'No running processes detected' }] };
  }
  const all = !Object.keys(SUB[sub]).some((i) => a[SUB[sub][i].dest]);
  const want = (k) => all || a[k];
  const o = {};
  if (sub === 'static') {
    if (want('asic')) o.asic = { market_name: m.market, vendor_id: '0x1002', vendor_name: 'Advanced Micro Devices Inc. [AMD/ATI]', device_id: m.deviceId, rev_id: '0x01' };
    if (want('bus')) o.bus = { bdf: m.bdfs[g.index], max_pcie_width: 16, max_pcie_speed: vu(16, 'GT/s') };
    if (want('driver')) o.driver = { name: 'amdgpu', version: '6.3.6' };
    if (want('vram')) o.vram = { type: 'HBM', vendor: 'SAMSUNG', size: vu(Math.floor(m.vramTotal / 1048576), 'MB') };
    if (want('board')) o.board = { product_name: m.series, manufacturer_name: 'Advanced Micro Devices, Inc. [AMD/ATI]' };
    // LIMIT section: MAX_POWER / MIN_POWER / SOCKET_POWER (the current cap), as in the README sample.
    if (want('limit')) o.limit = { max_power: vu(m.maxCapW, 'W'), min_power: vu(m.minCapW, 'W'), socket_power: vu(g.powerCapW, 'W'),
      slowdown_edge_temperature: vu(100, 'C'), slowdown_hotspot_temperature: vu(110, 'C'), slowdown_vram_temperature: vu(100, 'C'),
      shutdown_edge_temperature: vu(105, 'C'), shutdown_hotspot_temperature: vu(115, 'C'), shutdown_vram_temperature: vu(105, 'C') };
    return o;
  }
  // metric: section names and keys from metric_gpu() in amdsmi_commands.py.
  if (want('usage')) o.usage = { gfx_activity: vu(x.utilPct, '%'), umc_activity: vu(x.utilPct ? 35 : 0, '%'), mm_activity: vu(0, '%') };
  if (want('power')) o.power = { socket_power: vu(Math.round(x.powerW), 'W'), gfx_voltage: vu(800, 'mV'), soc_voltage: vu(900, 'mV'),
    mem_voltage: vu(1200, 'mV'), throttle_status: x.throttled ? 'THROTTLED' : 'UNTHROTTLED', power_management: 'ENABLED' };
  if (want('clock')) o.clock = {
    gfx_0: { clk: vu(x.sclkMHz, 'MHz'), min_clk: vu(m.sclkLevels[0], 'MHz'), max_clk: vu(m.sclkLevels[m.sclkLevels.length - 1], 'MHz'), clk_locked: 'N/A', deep_sleep: 'DISABLED' },
    mem_0: { clk: vu(x.mclkMHz, 'MHz'), min_clk: vu(m.mclkLevels[0], 'MHz'), max_clk: vu(x.mclkMHz, 'MHz'), clk_locked: 'N/A', deep_sleep: 'DISABLED' } };
  // An edge sensor that reads N/A stays the plain string "N/A" (no {value, unit}).
  if (want('temperature')) o.temperature = { edge: m.edgeSensor ? vu(Math.round(x.edgeC), 'C') : 'N/A', hotspot: vu(Math.round(x.junctionC), 'C'), mem: vu(Math.round(x.memC), 'C') };
  if (want('fan')) o.fan = { speed: x.fanLevel, max: FAN_MAX_LEVEL, rpm: x.fanRpm, usage: vu(x.fanPct, '%') };
  if (want('perf_level')) o.perf_level = `AMDSMI_DEV_PERF_LEVEL_${g.perfLevel.toUpperCase()}`;
  if (want('mem_usage')) {
    const MB = 1048576; // amd-smi divides by 1024*1024 and labels it MB
    const t = Math.floor(x.vramTotal / MB); const u = Math.floor(x.vramUsed / MB);
    o.mem_usage = { total_vram: vu(t, 'MB'), used_vram: vu(u, 'MB'), free_vram: vu(t - u, 'MB'), total_visible_vram: vu(t, 'MB'),
      used_visible_vram: vu(u, 'MB'), free_visible_vram: vu(t - u, 'MB'), total_gtt: vu(128000, 'MB'), used_gtt: vu(11, 'MB'), free_gtt: vu(127989, 'MB') };
  }
  return o;
}

function human(it, indent = '') {
  let s = indent ? '' : `GPU: ${it.gpu}\n`;
  for (const [k, v] of Object.entries(it)) {
    if (k === 'gpu' && !indent) continue;
    if (v && typeof v === 'object' && !('value' in v) && !Array.isArray(v)) s += `${indent}    ${k.toUpperCase()}:\n${human(v, `${indent}    `)}`;
    else s += `${indent}    ${k.toUpperCase()}: ${v && typeof v === 'object' && 'value' in v ? `${v.value} ${v.unit}` : JSON.stringify(v)}\n`;
  }
  return s;
}

function setValues(st, gpus, a) {
  const m = MODELS[st.model];
  if (![a.fan, a.perf_level, a.perf_determinism, a.power_cap].some((v) => v !== undefined)) return res(0, 'No set argument provided. Run \'--help\' for more info.\n');
  let out = '';
  let code = 0;
  for (const g of gpus) {
    out += `GPU: ${g.index}\n`;
    if (a.perf_level !== undefined) {
      const lv = a.perf_level.toUpperCase();
      if (!LEVELS.includes(lv)) return res(2, '', `amd-smi set: error: argument -l/--perf-level: invalid choice: '${a.perf_level}' (choose from ${LEVELS.map((l) => `'${l}'`).join(', ')})\n`);
      g.perfLevel = lv.toLowerCase();
      g.determinismMHz = null;
      if (g.perfLevel !== 'manual') { g.sclkMask = null; g.mclkMask = null; }
      out += `    PERFLEVEL: Successfully set performance level ${lv}\n`;
    }
    if (a.perf_determinism !== undefined) {
      if (!/^\d+$/.test(a.perf_determinism)) return res(0, `Value '${a.perf_determinism}' is not of valid type or format. Run '--help' for more info. Error code: -5\n`);
      Object.assign(g, { perfLevel: 'determinism', determinismMHz: Number(a.perf_determinism), sclkMask: null });
      out += `    PERFDETERMINISM: Successfully enabled performance determinism and set GFX clock frequency to ${a.perf_determinism}\n`;
    }
    if (a.power_cap !== undefined) {
      const w = Number(a.power_cap);
      if (!/^\d+$/.test(a.power_cap)) return res(0, `Value '${a.power_cap}' is not of valid type or format. Run '--help' for more info. Error code: -5\n`);
      // The range comes from amdsmi_get_power_cap_info; out of range is refused before any write.
      if (w < m.minCapW || w > m.maxCapW) { out += `    POWERCAP: Power cap must be between ${m.minCapW} W and ${m.maxCapW} W\n`; code = 1; continue; }
      g.powerCapW = w;
      out += `    POWERCAP: Successfully set power cap to ${w} W\n`;
    }
    if (a.fan !== undefined) {
      const s = String(a.fan);
      const level = s.endsWith('%') ? Math.trunc((Number(s.slice(0, -1)) / 100) * FAN_MAX_LEVEL) : Number(s);
      if (!Number.isInteger(level) || level < 0 || level > FAN_MAX_LEVEL) return res(0, `Value '${s}' is not of valid type or format. Run '--help' for more info. Error code: -5\n`);
      g.fanLevel = level;
      out += `    FAN: Successfully set fan speed to ${s}\n`;
    }
  }
  return res(code, out);
}

function resetValues(st, gpus, a) {
  const m = MODELS[st.model];
  let out = '';
  for (const g of gpus) {
    out += `GPU: ${g.index}\n`;
    if (a.gpureset) { resetGpu(st.model, g); out += '    GPURESET: Successfully reset GPU\n'; }
    if (a.clocks) { Object.assign(g, { perfLevel: 'auto', sclkMask: null, mclkMask: null, determinismMHz: null }); out += '    RESET_CLOCKS: Successfully reset clocks and overdrive\n'; }
    if (a.fans) { g.fanLevel = null; out += '    RESET_FANS: Successfully reset fan speed to driver control\n'; }
    if (a.profile) { g.perfLevel = 'auto'; out += '    RESET_PROFILE: Successfully reset power profile\n'; }
    if (a.perf_determinism) { Object.assign(g, { perfLevel: 'auto', determinismMHz: null }); out += '    RESET_PERF_DETERMINISM: Successfully disabled performance determinism\n'; }
    // "Reset power capacity limit to max capable": the MAX, not the value before a change.
    if (a.power_cap) { g.powerCapW = m.maxCapW; out += `    POWERCAP: Successfully reset power cap to ${m.maxCapW} W\n`; }
  }
  return res(0, out);
}
