// Parsers for rocm-smi / amd-smi / nvidia-smi readings, on real sample output from the reference
// (telegraf's MI100 testdata, an MI300X capture with "Current Socket" power) and on edge cases.
import { describe, expect, it } from 'vitest';
import { parseAmdSmiMetricJson, parseNvidiaSmiCsv, parseObserveOutput, parseRocmSmiJson } from '../../src-main/faults/gpu-observe.js';
import { gpuPowerCap } from '../../src-main/faults/gpu-power-cap.js';
import { labCtx, makeLab } from '../lab/gpu-sim/harness.js';

// influxdata/telegraf plugins/inputs/amd_rocm_smi/testdata/mi100_rocm602.json (card0 and card1,
// trimmed of firmware keys; the junk "0"/"1" keys from -s are kept on purpose).
const MI100 = JSON.stringify({
  card0: {
    'Device ID': '0x738c', 'Temperature (Sensor edge) (C)': '53.0', 'Temperature (Sensor junction) (C)': '55.0',
    'Temperature (Sensor memory) (C)': '53.0', 'sclk clock speed:': '(300Mhz)', 'Performance Level': 'auto',
    'Max Graphics Package Power (W)': '290.0', 'Average Graphics Package Power (W)': '36.0', '0': '16.0GT/s x16 *', '1': '495Mhz',
    'GPU use (%)': '0', 'GPU memory use (%)': '0', 'Memory Activity': 'N/A', 'Serial Number': 'N/A', 'PCI Bus': '0000:83:00.0',
    'VRAM Total Memory (B)': '34342961152', 'VRAM Total Used Memory (B)': '6750208', 'Card series': 'Arcturus GL-XL [Instinct MI100]',
  },
  card1: {
    'Temperature (Sensor edge) (C)': '55.0', 'Temperature (Sensor junction) (C)': '58.0', 'Max Graphics Package Power (W)': '290.0',
    'Average Graphics Package Power (W)': '44.0', 'GPU use (%)': '0', 'VRAM Total Memory (B)': '34342961152', 'VRAM Total Used Memory (B)': '6750208',
  },
  system: { 'Driver version': '6.3.6', '(Topology) Weight between DRM devices 0 and 1': '40' },
});

describe('parseRocmSmiJson', () => {
  it('reads the MI100 sample (string values, Average power key)', () => {
    expect(parseRocmSmiJson(MI100)).toEqual([
      { gpu: 0, tempC: 53, powerW: 36, utilPct: 0, vramUsedB: 6750208, vramTotalB: 34342961152, powerCapW: 290 },
      { gpu: 1, tempC: 55, powerW: 44, utilPct: 0, vramUsedB: 6750208, vramTotalB: 34342961152, powerCapW: 290 },
    ]);
  });
  it('reads the MI300 "Current Socket" power key and falls back to junction when edge is N/A or absent', () => {
    // Shape of a real MI300X capture: no edge sensor at all.
    const mi300 = '{"card0": {"Temperature (Sensor junction) (C)": "38.0", "Temperature (Sensor memory) (C)": "33.0", "Current Socket Graphics Package Power (W)": "139.0", "GPU use (%)": "0"}}';
    expect(parseRocmSmiJson(mi300)[0]).toMatchObject({ gpu: 0, tempC: 38, powerW: 139, utilPct: 0, vramUsedB: null });
    const na = '{"card3": {"Temperature (Sensor edge) (C)": "N/A", "Temperature (Sensor junction) (C)": "61.0", "Current Socket Graphics Package Power (W)": "266.0"}}';
    expect(parseRocmSmiJson(na)[0]).toMatchObject({ gpu: 3, tempC: 61, powerW: 266 });
  });
  it('treats a secondary die "N/A (Secondary die)" as no reading', () => {
    const s = '{"card1": {"Average Graphics Package Power (W)": "N/A (Secondary die)", "GPU use (%)": "12"}}';
    expect(parseRocmSmiJson(s)[0]).toMatchObject({ gpu: 1, powerW: null, utilPct: 12, tempC: null });
  });
  it('returns nothing for empty or broken output (rocm-smi prints nothing when it has no data)', () => {
    expect(parseRocmSmiJson('')).toEqual([]);
    expect(parseRocmSmiJson('WARNING: No JSON data to report')).toEqual([]);
  });
});

describe('parseAmdSmiMetricJson', () => {
  const gpu0 = {
    gpu: 0,
    usage: { gfx_activity: { value: 97, unit: '%' }, umc_activity: { value: 30, unit: '%' } },
    power: { socket_power: { value: 512, unit: 'W' }, throttle_status: 'UNTHROTTLED' },
    temperature: { edge: 'N/A', hotspot: { value: 71, unit: 'C' }, mem: { value: 60, unit: 'C' } },
    mem_usage: { total_vram: { value: 196592, unit: 'MB' }, used_vram: { value: 1024, unit: 'MB' } },
  };
  it('reads a list of per-GPU objects with {value, unit}, edge N/A -> hotspot', () => {
    expect(parseAmdSmiMetricJson(JSON.stringify([gpu0]))).toEqual([
      { gpu: 0, tempC: 71, powerW: 512, utilPct: 97, vramUsedB: 1024 * 1048576, vramTotalB: 196592 * 1048576 },
    ]);
  });
  it('reads the newer {"gpu_data": [...]} wrapper and a single object', () => {
    expect(parseAmdSmiMetricJson(JSON.stringify({ gpu_data: [gpu0, { ...gpu0, gpu: 1 }] })).map((g) => g.gpu)).toEqual([0, 1]);
    expect(parseAmdSmiMetricJson(JSON.stringify(gpu0))[0]?.powerW).toBe(512);
  });
  it('accepts bare numbers and N/A sections', () => {
    const bare = [{ gpu: 2, power: { socket_power: 300 }, usage: 'N/A', temperature: { edge: { value: 40, unit: 'C' } }, mem_usage: { used_vram: 5, total_vram: 10 } }];
    expect(parseAmdSmiMetricJson(JSON.stringify(bare))).toEqual([{ gpu: 2, tempC: 40, powerW: 300, utilPct: null, vramUsedB: 5 * 1048576, vramTotalB: 10 * 1048576 }]);
  });
});

describe('parseNvidiaSmiCsv', () => {
  it('reads noheader,nounits rows and maps [N/A] / [Not Supported] to null', () => {
    const csv = '0, 45, 72.35, 98, 30000, 40960, 250.00\n1, 39, [N/A], [Not Supported], 4, 40960, 250.00\n';
    expect(parseNvidiaSmiCsv(csv)).toEqual([
      { gpu: 0, tempC: 45, powerW: 72.35, utilPct: 98, vramUsedB: 30000 * 1048576, vramTotalB: 40960 * 1048576, powerCapW: 250 },
      { gpu: 1, tempC: 39, powerW: null, utilPct: null, vramUsedB: 4 * 1048576, vramTotalB: 40960 * 1048576, powerCapW: 250 },
    ]);
  });
  it('ignores error text and short lines', () => {
    expect(parseNvidiaSmiCsv("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n")).toEqual([]);
  });
});

describe('observe end to end', () => {
  for (const [vendor, tool, only] of [['amd', 'rocm-smi', undefined], ['amd', 'amd-smi', ['amd-smi']], ['nvidia', 'nvidia-smi', undefined]] as const) {
    it(`${tool}: builder output parses to both GPUs`, () => {
      const lab = makeLab(vendor, { only: only as string[] | undefined });
      try {
        const ctx = labCtx(vendor);
        const r = lab.run(gpuPowerCap.observe!(gpuPowerCap.params.parse({ percent: 50, device: 'all' }), ctx));
        expect(r.code, r.stderr).toBe(0);
        const out = parseObserveOutput(r.stdout);
        expect(out.tool).toBe(tool);
        expect(out.gpus.map((g) => g.gpu)).toEqual([0, 1]);
        for (const g of out.gpus) {
          expect(g.tempC).toBeGreaterThan(0);
          expect(g.powerW).toBeGreaterThan(0);
          expect(g.vramTotalB).toBeGreaterThan(g.vramUsedB ?? Infinity);
        }
      } finally {
        lab.dispose();
      }
    }, 60_000);
  }
  it('uses the exact reading flags from the brief', () => {
    const ctx = labCtx('amd');
    const t = gpuPowerCap.observe!(gpuPowerCap.params.parse({ percent: 50, device: 1 }), ctx).text;
    expect(t).toContain('rocm-smi -d 1 --showtemp --showpower --showuse --showmeminfo vram --showmaxpower --json');
    expect(t).toContain('amd-smi metric -g 1 -p -t -u -m --json');
    expect(labCtx('nvidia') && gpuPowerCap.observe!(gpuPowerCap.params.parse({ percent: 50, device: 1 }), labCtx('nvidia')).text).toContain(
      'nvidia-smi -i 1 --query-gpu=index,temperature.gpu,power.draw,utilization.gpu,memory.used,memory.total,power.limit --format=csv,noheader,nounits',
    );
  });
});
