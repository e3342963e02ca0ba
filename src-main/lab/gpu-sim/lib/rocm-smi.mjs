// rocm-smi simulator. Behaviour follows ROCm/rocm_smi_lib python_smi_tools/rocm_smi.py (the CLI
// reference in /work/shared/REFERENCE-tools.md §1.1-1.2): argparse flags and errors, JSON keys
// (printLog/printSysLog -> formatJson, all values strings), `print(json.dumps(JSON_DATA))` on one
// line, relaunchAsSudo() for every set/reset flag, and its exit codes (RETCODE; several failures
// exit 0 in the real tool, so they do here too).
import { ArgError, finish, isRoot, parse, pyDumps, pyFloat } from './cli.mjs';
import { FAN_MAX_LEVEL, MODELS, metrics, resetGpu } from './model.mjs';
import { labVendor, pidAlive, withState } from './state.mjs';

const F = (names, dest, kind = 'flag') => ({ names, dest, kind });
// Flag spellings from the argparse block of rocm_smi.py.
const SPECS = [
  F(['-h', '--help'], 'help'), F(['-d', '--device'], 'device', 'intplus'),
  F(['-i', '--showid'], 'showid'), F(['--showproductname'], 'showproductname'), F(['--showdriverversion'], 'showdriverversion'),
  F(['--showbus'], 'showbus'), F(['-t', '--showtemp'], 'showtemp'), F(['-P', '--showpower'], 'showpower'),
  F(['-u', '--showuse'], 'showuse'), F(['--showmemuse'], 'showmemuse'), F(['-M', '--showmaxpower'], 'showmaxpower'),
  F(['-p', '--showperflevel'], 'showperflevel'), F(['-c', '--showclocks'], 'showclocks'), F(['-f', '--showfan'], 'showfan'),
  F(['--showpids'], 'showpids'), F(['--showmeminfo'], 'showmeminfo', 'plus'),
  F(['-r', '--resetclocks'], 'resetclocks'), F(['--resetfans'], 'resetfans'), F(['--resetpoweroverdrive'], 'resetpoweroverdrive'),
  F(['--resetperfdeterminism'], 'resetperfdeterminism'), F(['--setsclk'], 'setsclk', 'intplus'), F(['--setmclk'], 'setmclk', 'intplus'),
  F(['--setfan'], 'setfan', 'one'), F(['--setperflevel'], 'setperflevel', 'one'), F(['--setpoweroverdrive'], 'setpoweroverdrive', 'one'),
  F(['--setperfdeterminism'], 'setperfdeterminism', 'int1'), F(['--gpureset'], 'gpureset'),
  F(['--autorespond'], 'autorespond', 'one'), F(['--loglevel'], 'loglevel', 'one'), F(['--json'], 'json'), F(['--csv'], 'csv'),
];
const SET_FLAGS = ['setsclk', 'setmclk', 'resetfans', 'setfan', 'setperflevel', 'resetclocks', 'setpoweroverdrive',
  'resetpoweroverdrive', 'gpureset', 'setperfdeterminism'];
const USAGE = 'usage: rocm-smi [-h] [-d DEVICE [DEVICE ...]] [--alldevices] [--showhw] [-a] [-i] [-v] [-e [EVENT ...]]\n' +
  '                [--showdriverversion] [--showfwinfo [BLOCK ...]] [--showmclkrange] [--showmemvendor] ...\n';
const APP_WIDTH = 80; // rocm_smi.py appWidth

/** Run rocm-smi with argv; exits the process. */
export function main(argv) {
  let parsed;
  try {
    parsed = parse(argv, SPECS);
    if (parsed.unknown.length) throw new ArgError(`unrecognized arguments: ${parsed.unknown.join(' ')}`);
  } catch (e) {
    if (e instanceof ArgError) return finish(2, '', `${USAGE}rocm-smi: error: ${e.message}\n`);
    throw e;
  }
  const a = parsed.args;
  if (a.help) return finish(0, `${USAGE}\nAMD ROCm System Management Interface | ROCM-SMI version: 2.3.1 (simulated)\n`);
  // initializeRsmi(): without amdgpu in /proc/modules it logs through the root logger and exit(0).
  if (labVendor() !== 'amd') return finish(0, '', 'ERROR:root:Driver not initialized (amdgpu not found in modules)\n');
  if (SET_FLAGS.some((f) => a[f] !== undefined) && !isRoot()) {
    // relaunchAsSudo(): os.execvp('sudo', ...). Over SSH without a TTY sudo cannot ask for a password.
    return finish(1, '', 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required\n');
  }
  const r = withState((st) => run(st, a));
  return finish(r.code, r.out, r.err);
}

function run(st, a) {
  const m = MODELS[st.model];
  const json = Boolean(a.json || a.csv);
  const out = { text: [], err: [], data: {}, rc: 0 };
  let devices = st.gpus.map((g) => g.index);
  if (a.device) {
    devices = [];
    for (const d of a.device) {
      // "No such device" is a warning followed by sys.exit(): exit status 0.
      if (!st.gpus[d]) return { code: 0, out: '', err: `WARNING: No such device card${d}\n` };
      if (!devices.includes(d)) devices.push(d);
    }
  }
  if (json) for (const d of devices) out.data[`card${d}`] = {};
  const log = (d, key, value) => {
    if (json) {
      if (value !== undefined) out.data[`card${d}`][key] = String(value);
      return;
    }
    out.text.push(value === undefined ? `GPU[${d}]\t\t: ${key}` : `GPU[${d}]\t\t: ${key}: ${value}`);
  };
  const sys = (key, value) => {
    if (!json) return out.text.push(`${key}: ${value}`);
    (out.data.system ??= {})[key] = String(value);
  };
  const spacer = (title = '', fill = '=') => {
    if (json) return;
    if (!title) return out.text.push(fill.repeat(APP_WIDTH));
    const t = title.length % 2 ? title + fill : title;
    const side = fill.repeat(Math.floor((APP_WIDTH - t.length) / 2));
    out.text.push(side + t + side);
  };
  const error = (msg) => out.err.push(`ERROR: ${msg}`);
  const G = (d) => st.gpus[d];
  const M = (d) => metrics(st.model, G(d));
  spacer(' ROCm System Management Interface ');

  // GPU reset runs alone and exits (main(): "Don't do reset in combination with any other command").
  if (a.gpureset) {
    spacer(' Reset GPU ');
    if (!a.device) {
      error('No device specified. One device must be specified for GPU reset');
      return emit(out, json, 1);
    }
    if (a.device.length > 1) {
      error('GPU Reset can only be performed on one GPU per call');
      return emit(out, json, 1);
    }
    resetGpu(st.model, G(a.device[0]));
    log(a.device[0], `Successfully reset GPU ${a.device[0]}`);
    spacer();
    return emit(out, json, 0);
  }

  if (a.showdriverversion) sys('Driver version', '6.3.6');
  if (a.showid) for (const d of devices) {
    log(d, 'Device Name', m.series); log(d, 'Device ID', m.deviceId); log(d, 'Device Rev', '0x1');
    log(d, 'Subsystem ID', '0x0c34'); log(d, 'GUID', String(20000 + d));
  }
  if (a.resetclocks) for (const d of devices) {
    Object.assign(G(d), { perfLevel: 'auto', sclkMask: null, mclkMask: null, determinismMHz: null });
    log(d, 'OverDrive set to 0'); log(d, 'Successfully reset clocks'); log(d, 'Performance level reset to auto');
  }
  if (a.showtemp) for (const d of devices) {
    const x = M(d);
    // 'Temperature (Sensor %s) (C)' % sensor; MI300-class parts read N/A at the edge.
    log(d, 'Temperature (Sensor edge) (C)', m.edgeSensor ? pyFloat(x.edgeC) : 'N/A');
    log(d, 'Temperature (Sensor junction) (C)', pyFloat(x.junctionC));
    log(d, 'Temperature (Sensor memory) (C)', pyFloat(x.memC));
  }
  if (a.showclocks) for (const d of devices) {
    const x = M(d);
    // JSON keys keep the trailing colon ('%s clock speed:'), values are '(%sMhz)'.
    log(d, 'mclk clock speed:', `(${x.mclkMHz}Mhz)`); log(d, 'mclk clock level:', m.mclkLevels.length - 1);
    log(d, 'sclk clock speed:', `(${x.sclkMHz}Mhz)`); log(d, 'sclk clock level:', x.sclkLevel);
    log(d, 'pcie clock level', '0 (16.0GT/s x16)');
  }
  if (a.showfan) for (const d of devices) {
    const x = M(d);
    log(d, 'Fan speed (level)', x.fanLevel); log(d, 'Fan speed (%)', x.fanPct); log(d, 'Fan RPM', x.fanRpm);
  }
  if (a.showperflevel) for (const d of devices) log(d, 'Performance Level', G(d).perfLevel);
  if (a.showmaxpower) for (const d of devices) log(d, 'Max Graphics Package Power (W)', pyFloat(G(d).powerCapW));
  // power_type.title() + ' Graphics Package Power (W)': "Average" (MI100) or "Current Socket" (MI300).
  if (a.showpower) for (const d of devices) log(d, `${m.powerKey} Graphics Package Power (W)`, pyFloat(M(d).powerW));
  if (a.showuse) for (const d of devices) log(d, 'GPU use (%)', M(d).utilPct);
  if (a.showmemuse) for (const d of devices) {
    const x = M(d);
    log(d, 'GPU Memory Allocated (VRAM%)', Math.round((100 * x.vramUsed) / x.vramTotal));
    log(d, 'GPU Memory Read/Write Activity (%)', x.utilPct ? 35 : 0);
  }
  if (a.showpids) showPids(st, sys, out, json);
  if (a.showbus) for (const d of devices) log(d, 'PCI Bus', m.bdfs[d]);
  if (a.showmeminfo) for (const d of devices) {
    for (const t of a.showmeminfo) {
      if (t.toLowerCase() !== 'vram' && t.toLowerCase() !== 'all') continue;
      const x = M(d);
      log(d, 'VRAM Total Memory (B)', x.vramTotal); log(d, 'VRAM Total Used Memory (B)', x.vramUsed);
    }
  }
  if (a.showproductname) for (const d of devices) {
    log(d, 'Card Series', m.series); log(d, 'Card Model', m.deviceId);
    log(d, 'Card Vendor', 'Advanced Micro Devices, Inc. [AMD/ATI]'); log(d, 'Card SKU', m.sku);
  }
  for (const [flag, clk] of [['setsclk', 'sclk'], ['setmclk', 'mclk']]) {
    if (!a[flag]) continue;
    const levels = clk === 'sclk' ? m.sclkLevels : m.mclkLevels;
    if (a[flag].some((l) => l > 63)) { error('Invalid clock frequency'); out.rc = 1; continue; }
    spacer(` Set ${clk} Frequency `);
    for (const d of devices) {
      // setClocks(): switches the perf level to manual first, then writes the level bitmask.
      if (G(d).perfLevel !== 'manual') { G(d).perfLevel = 'manual'; log(d, 'Performance level was set to manual'); }
      const mask = a[flag].reduce((acc, b) => acc | (1 << b), 0);
      if (a[flag].some((l) => l >= levels.length)) {
        error(`GPU[${d}] \t\t: Unable to set ${clk} bitmask to: 0x${mask.toString(16)}`); out.rc = 1; continue;
      }
      G(d)[`${clk}Mask`] = [...a[flag]];
      log(d, `Successfully set ${clk} bitmask to`, `0x${mask.toString(16)}`);
    }
    spacer();
  }
  if (a.resetfans) { spacer(' Reset GPU Fan Speed '); for (const d of devices) { G(d).fanLevel = null; log(d, 'Successfully reset fan speed to driver control'); } spacer(); }
  if (a.setfan !== undefined) {
    spacer(' Set GPU Fan Speed ');
    const s = String(a.setfan);
    const level = s.endsWith('%') ? Math.trunc((Number(s.slice(0, -1)) / 100) * FAN_MAX_LEVEL) : Number(s);
    if (!Number.isInteger(level) || level < 0 || level > FAN_MAX_LEVEL) {
      // int('abc') raises ValueError in the real tool: an uncaught Python exception, exit 1.
      return { code: 1, out: '', err: `ValueError: invalid literal for int() with base 10: '${s}'\n` };
    }
    for (const d of devices) { G(d).fanLevel = level; log(d, `Successfully set fan speed to level ${level}`); }
    spacer();
  }
  if (a.setperflevel !== undefined) {
    spacer(' Set Performance Level ');
    for (const d of devices) {
      if (!['auto', 'low', 'high', 'manual'].includes(a.setperflevel)) {
        // printErrLog + logging.error, but RETCODE stays 0 (setPerformanceLevel never sets it).
        error(`GPU[${d}] \t\t: Unable to set Performance Level`); error(`Invalid Performance level: ${a.setperflevel}`); continue;
      }
      Object.assign(G(d), { perfLevel: a.setperflevel, determinismMHz: null });
      if (a.setperflevel !== 'manual') Object.assign(G(d), { sclkMask: null, mclkMask: null });
      log(d, `Performance level set to ${a.setperflevel}`);
    }
    spacer();
  }
  if (a.setpoweroverdrive !== undefined) if (!setPower(st, devices, a.setpoweroverdrive, a.autorespond, out, log, error, spacer, json)) return emit(out, json, 1);
  if (a.resetpoweroverdrive) if (!setPower(st, devices, '0', a.autorespond, out, log, error, spacer, json)) return emit(out, json, 1);
  if (a.setperfdeterminism !== undefined) for (const d of devices) {
    Object.assign(G(d), { perfLevel: 'determinism', determinismMHz: a.setperfdeterminism, sclkMask: null });
    log(d, 'Successfully enabled performance determinism and set GFX clock frequency', String(a.setperfdeterminism));
  }
  if (a.resetperfdeterminism) {
    spacer('Disable Performance Determinism');
    for (const d of devices) { Object.assign(G(d), { perfLevel: 'auto', determinismMHz: null }); log(d, 'Successfully disabled performance determinism'); }
    spacer();
  }
  return emit(out, json, out.rc);
}

/** showPids(): print2DArray in JSON mode -> system["PID<pid>"] = "name, gpus, vram, sdma, cu" (lower-cased). */
function showPids(st, sys, out, json) {
  const procs = new Map();
  for (const g of st.gpus) for (const p of g.processes) {
    if (!pidAlive(p.pid)) continue;
    const e = procs.get(p.pid) ?? { name: p.name, gpus: 0, vram: 0 };
    e.gpus += 1; e.vram += p.vram || 0;
    procs.set(p.pid, e);
  }
  if (procs.size === 0) {
    // printLog(None, 'No KFD PIDs currently running') prints nothing in JSON mode.
    if (!json) out.text.push('No KFD PIDs currently running');
    return;
  }
  if (!json) out.text.push('PID\tPROCESS NAME\tGPU(s)\tVRAM USED\tSDMA USED\tCU OCCUPANCY');
  for (const [pid, e] of procs) {
    const row = `${e.name}, ${e.gpus}, ${e.vram}, 0, 0`.toLowerCase();
    if (json) sys(`PID${pid}`, row);
    else out.text.push(`${pid}\t${row.replace(/, /g, '\t')}`);
  }
}

/** setPowerOverDrive(): value 0 means "reset to default"; range checks use the raw value (even 0). */
function setPower(st, devices, value, autoRespond, out, log, error, spacer, json) {
  const m = MODELS[st.model];
  if (!/^-?\d+$/.test(String(value))) { out.text.push('Unable to set Power OverDrive'); error(`${value} is not an integer`); out.rc = 1; return true; }
  const w = Number(value);
  spacer(w === 0 ? ' Reset GPU Power OverDrive ' : ' Set GPU Power OverDrive ');
  let confirmed = false;
  for (const d of devices) {
    const g = st.gpus[d];
    const newCap = w === 0 ? m.defaultCapW : w;
    // The real code compares the raw value, so a reset (0) fails on parts whose minimum is above 0.
    if (w > m.maxCapW) { error(`GPU[${d}] \t\t: Unable to set Power OverDrive`); error(`GPU[${d}]\t\t: Value cannot be greater than: ${m.maxCapW}W `); out.rc = 1; continue; }
    if (w < m.minCapW) { error(`GPU[${d}] \t\t: Unable to set Power OverDrive`); error(`GPU[${d}]\t\t: Value cannot be less than: ${m.minCapW}W `); out.rc = 1; continue; }
    const current = Math.max(g.powerCapW, m.defaultCapW);
    if (!confirmed && newCap > current) {
      // confirmOutOfSpecWarning(): without --autorespond it calls input(); with no stdin that is EOFError.
      out.text.push('          ******WARNING******');
      if (autoRespond === undefined) { out.err.push('EOFError: EOF when reading a line'); return false; }
      if (!['Yes', 'yes', 'y', 'Y', 'YES'].includes(autoRespond)) { out.err.push('Confirmation not given. Exiting without setting value'); return false; }
      confirmed = true;
    }
    g.powerCapW = newCap;
    if (json) continue;
    log(d, w === 0 ? `Successfully reset Power OverDrive to: ${newCap}W` : `Successfully set power to: ${w}W`);
  }
  spacer();
  return true;
}

function emit(out, json, rc) {
  let text = '';
  if (json) {
    for (const k of Object.keys(out.data)) if (k !== 'system' && Object.keys(out.data[k]).length === 0) delete out.data[k];
    if (Object.keys(out.data).length === 0) out.err.push('WARNING: No JSON data to report');
    else text = `${pyDumps(out.data)}\n`;
  } else {
    out.text.unshift('\n');
    out.text.push('='.repeat(21) + ' End of ROCm SMI Log ' + '='.repeat(22));
    text = `${out.text.join('\n')}\n`;
  }
  return { code: rc, out: text, err: out.err.length ? `${out.err.join('\n')}\n` : '' };
}
