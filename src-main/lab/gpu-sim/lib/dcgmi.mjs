// dcgmi simulator: `dcgmi test --inject`, `dcgmi dmon` and `dcgmi discovery -l` (REFERENCE-tools.md
// §2.3; docs.nvidia.com dcgmi-test reference and DCGM error-injection guide). Injected values live
// only in the (simulated) host engine cache: nvidia-smi never sees them, and they expire after
// GAMEDAY_LAB_DCGM_TTL_SEC seconds (default 30), like samples ageing out of DCGM's cache.
import { finish } from './cli.mjs';
import { metrics } from './model.mjs';
import { labVendor, withState } from './state.mjs';

// Column headers dmon prints for the fields the lab knows (DCGM field ids from dcgm_fields.h).
const SHORT = { 150: 'TMPTR', 155: 'POWER', 202: 'RPLY', 203: 'GPUTL', 230: 'XIDS' };
/** Default lifetime of an injected value in the simulated cache, in seconds. */
const DEFAULT_TTL_SEC = 30;
const res = (code, out = '', err = '') => ({ code, out, err });
const NO_ENGINE = 'Error: unable to establish a connection to the specified host: localhost\nError: Unable to connect to host engine. Host engine connection invalid/disconnected.\n';

function opts(argv, known) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!known[k]) return { bad: k };
    o[known[k]] = known[k].endsWith('?') ? true : argv[++i];
  }
  return o;
}

/** Run dcgmi with argv; exits the process. */
export function main(argv) {
  const [sub, ...rest] = argv;
  if (labVendor() !== 'nvidia') return finish(255, '', NO_ENGINE);
  let o;
  if (sub === 'test') o = opts(rest, { '--inject': 'inject?', '--gpuid': 'gpu', '-g': 'group', '--group': 'group', '-f': 'field', '--field': 'field', '-v': 'value', '--value': 'value', '--offset': 'offset' });
  else if (sub === 'dmon') o = opts(rest, { '-i': 'gpu', '--gpu-id': 'gpu', '-e': 'field', '--field-id': 'field', '-c': 'count', '--count': 'count', '-d': 'delay', '--delay': 'delay' });
  else if (sub === 'discovery') o = opts(rest, { '-l': 'list?', '--list': 'list?' });
  else return finish(1, '', `PARSE ERROR: Argument: ${sub ?? ''}\n             Couldn't find match for argument\n`);
  if (o.bad) return finish(1, '', `PARSE ERROR: Argument: ${o.bad}\n             Couldn't find match for argument\n`);
  const r = withState((st) => run(st, sub, o));
  return finish(r.code, r.out, r.err);
}

function run(st, sub, o) {
  const ttlMs = Number(process.env.GAMEDAY_LAB_DCGM_TTL_SEC || DEFAULT_TTL_SEC) * 1000;
  const now = Date.now();
  st.dcgm = (st.dcgm || []).filter((s) => now - s.ts < ttlMs);
  if (sub === 'discovery') return res(0, `${st.gpus.length} GPUs found.\n${st.gpus.map((g) => `| ${g.index}      | Name: simulated GPU ${g.index}\n`).join('')}`);
  if (sub === 'test') {
    if (!o['inject?']) return res(1, '', 'Error: no test action given (use --inject)\n');
    // dcgmi-test reference: "If neither a GPU nor group is selected, the parser defaults to GPU ID 1".
    const gpu = o.gpu === undefined ? 1 : Number(o.gpu);
    if (!/^\d+$/.test(o.field ?? '') || !/^-?\d+$/.test(o.value ?? '')) return res(255, '', 'Error: field id and an integer value are required to inject\n');
    if (!st.gpus[gpu]) return res(255, '', `Error: Unable to inject info. Return: No data is available\n`);
    st.dcgm.push({ gpu, field: Number(o.field), value: Number(o.value), ts: now + Number(o.offset || 0) * 1000 });
    return res(0, 'Successfully injected field info.\n');
  }
  // dmon: one header, then one line per sample per GPU.
  const gpus = (o.gpu ?? st.gpus.map((g) => g.index).join(',')).split(',').map(Number);
  const fields = (o.field ?? '').split(',').filter(Boolean).map(Number);
  if (fields.length === 0 || gpus.some((g) => !st.gpus[g])) return res(255, '', 'Error: Invalid entity or field ids\n');
  const count = Number(o.count || 1);
  const value = (g, f) => {
    const hits = st.dcgm.filter((s) => s.gpu === g && s.field === f && s.ts <= now);
    if (hits.length) return String(hits[hits.length - 1].value);
    const x = metrics(st.model, st.gpus[g]);
    return { 150: String(Math.round(x.edgeC)), 155: x.powerW.toFixed(3), 203: String(x.utilPct) }[f] ?? '0';
  };
  let out = `#Entity   ${fields.map((f) => (SHORT[f] ?? `F${f}`).padEnd(12)).join('')}\nID\n`;
  for (let c = 0; c < count; c++) for (const g of gpus) out += `GPU ${g}     ${fields.map((f) => value(g, f).padEnd(12)).join('')}\n`;
  return res(0, out);
}
