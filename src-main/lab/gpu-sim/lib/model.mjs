// GPU models the simulators imitate, and the physics that turns settings into readings.
//
// Numbers come from public sources where one exists: the MI100 clock table, VRAM sizes, PCI ids and
// the 290 W cap are from the rocm-smi JSON sample in influxdata/telegraf
// plugins/inputs/amd_rocm_smi/testdata/mi100_rocm602.json. Everything else (idle/busy draw, the
// cap range, the fan curve) is a plausible invention, kept deterministic so tests can assert on it.

/** Per-model constants. Power in W, clocks in MHz, memory in bytes. */
export const MODELS = {
  mi100: {
    vendor: 'amd',
    series: 'Arcturus GL-XL [Instinct MI100]', deviceId: '0x738c', sku: 'D3431401', vbios: '113-D3431401-101',
    market: 'MI100', bdfs: ['0000:83:00.0', '0000:A3:00.0'],
    // hwmon power1_cap_min is taken as 0 here, so `rocm-smi --resetpoweroverdrive` works (see below).
    defaultCapW: 290, minCapW: 0,
    // Above the default so `amd-smi reset -o` ("to max capable") visibly differs from the default.
    maxCapW: 300,
    sclkLevels: [300, 495, 731, 962, 1029, 1087, 1147, 1189, 1235, 1283, 1319, 1363, 1404, 1430, 1472, 1502],
    mclkLevels: [1200],
    vramTotal: 34342961152, vramBase: 6750208,
    idleW: 36, busyW: 280,
    // rocm-smi prints "Average Graphics Package Power (W)" on this generation.
    powerKey: 'Average',
    edgeSensor: true,
  },
  mi300x: {
    vendor: 'amd',
    series: 'Aqua Vanjaram [Instinct MI300X OAM]', deviceId: '0x74a1', sku: 'M3000100', vbios: '113-M3000100-102',
    market: 'MI300X', bdfs: ['0000:0C:00.0', '0000:22:00.0'],
    // A minimum above 0 (invented) reproduces a real rocm-smi quirk: setPowerOverDrive() range-checks
    // the raw value, so `--resetpoweroverdrive` (value 0) fails with "Value cannot be less than".
    defaultCapW: 750, minCapW: 200, maxCapW: 750,
    sclkLevels: [500, 1600, 2100],
    mclkLevels: [900, 1300],
    vramTotal: 205822885888, vramBase: 299892736,
    idleW: 140, busyW: 700,
    // MI300-class: "Current Socket Graphics Package Power (W)", and the edge sensor reads N/A.
    powerKey: 'Current Socket',
    edgeSensor: false,
  },
  a100: {
    vendor: 'nvidia',
    series: 'NVIDIA A100-PCIE-40GB', bdfs: ['00000000:3B:00.0', '00000000:AF:00.0'],
    defaultCapW: 250, minCapW: 100, maxCapW: 300,
    sclkLevels: [210, 1410], // idle and maximum SM clock
    mclkLevels: [1215],
    vramTotal: 40960 * 1048576, vramBase: 4 * 1048576,
    idleW: 35, busyW: 240,
  },
};

/** Fan duty (%) the driver picks by itself: idle and busy. Chosen away from the fan presets (60/40/20). */
const AUTO_FAN_IDLE_PCT = 31;
const AUTO_FAN_BUSY_PCT = 47;
/** Full-scale fan level in rocm-smi/amd-smi units (0-255). */
export const FAN_MAX_LEVEL = 255;
/** Degrees of extra heat per percentage point the fan runs below its automatic duty. */
const FAN_HEAT_PER_PCT = 0.25;
/** Edge temperature at zero draw, and degrees per watt drawn: a 280 W card sits near 53 C. */
const AMBIENT_C = 25;
const C_PER_W = 0.1;

/** Two GPUs per node, in their factory state. */
export function defaultGpus(model) {
  return [0, 1].map((index) => defaultGpu(model, index, 0));
}

export function defaultGpu(model, index, resetCount) {
  const m = MODELS[model];
  return {
    index, perfLevel: 'auto', powerCapW: m.defaultCapW, sclkMask: null, mclkMask: null,
    determinismMHz: null, fanLevel: null, clockLock: null, persistence: 0,
    resetCount, processes: [], load: 0,
  };
}

/** Factory settings again (GPU reset). Processes on an AMD GPU are evicted by the reset. */
export function resetGpu(model, g) {
  const fresh = defaultGpu(model, g.index, g.resetCount + 1);
  if (MODELS[model].vendor !== 'amd') fresh.processes = g.processes;
  fresh.load = g.load;
  Object.assign(g, fresh);
}

function round1(x) {
  return Math.round(x * 10) / 10;
}

/** Readings for one GPU, derived from its settings and its load. */
export function metrics(model, g) {
  const m = MODELS[model];
  const busy = Math.max(g.load || 0, g.processes.length > 0 ? 100 : 0) / 100;
  const lo = m.sclkLevels[0];
  const hi = m.sclkLevels[m.sclkLevels.length - 1];
  let clk = busy > 0 ? hi : lo;
  if (m.vendor === 'amd') {
    if (g.perfLevel === 'low') clk = lo;
    else if (g.perfLevel === 'high') clk = hi;
    else if (g.perfLevel === 'manual' && g.sclkMask) {
      const levels = g.sclkMask.map((i) => m.sclkLevels[i]).filter((x) => x !== undefined);
      clk = busy > 0 ? Math.max(...levels) : Math.min(...levels);
    } else if (g.perfLevel === 'determinism' && g.determinismMHz !== null) clk = Math.min(busy > 0 ? hi : lo, g.determinismMHz);
  } else if (g.clockLock) {
    clk = Math.min(Math.max(clk, g.clockLock.min), g.clockLock.max);
  }
  // Draw grows with load and with the clock; the cap then clips it and pulls the clock down.
  const span = hi - lo || 1;
  let demand = m.idleW + (m.busyW - m.idleW) * busy * ((clk - lo) / span);
  let throttled = false;
  if (demand > g.powerCapW) {
    clk = lo + (clk - lo) * ((g.powerCapW - m.idleW) / (demand - m.idleW));
    demand = g.powerCapW;
    throttled = true;
  }
  const autoFan = busy > 0 ? AUTO_FAN_BUSY_PCT : AUTO_FAN_IDLE_PCT;
  const fanPct = g.fanLevel === null ? autoFan : (g.fanLevel / FAN_MAX_LEVEL) * 100;
  const edge = AMBIENT_C + demand * C_PER_W + Math.max(0, autoFan - fanPct) * FAN_HEAT_PER_PCT;
  const vramUsed = m.vramBase + g.processes.reduce((a, p) => a + (p.vram || 0), 0);
  const level = m.sclkLevels.reduce((best, f, i) => (f <= clk + 0.5 ? i : best), 0);
  return {
    powerW: round1(demand), throttled, sclkMHz: Math.round(clk), sclkLevel: level, mclkMHz: m.mclkLevels[m.mclkLevels.length - 1],
    edgeC: round1(edge), junctionC: round1(edge + 4), memC: round1(edge + 1),
    utilPct: Math.round(busy * 100), vramUsed, vramTotal: m.vramTotal,
    fanPct: Math.round(fanPct), fanLevel: g.fanLevel === null ? Math.round((autoFan / 100) * FAN_MAX_LEVEL) : g.fanLevel,
    // A nominal 3000 rpm at full duty.
    fanRpm: Math.round(fanPct * 30),
  };
}
