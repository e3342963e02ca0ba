// The GPU tool simulators themselves: real flag spellings, real error styles and exit codes,
// root checks, GPU-less behaviour, and state that survives concurrent calls.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_BIN, makeLab, simState, type Lab } from '../lab/gpu-sim/harness.js';

const labs: Lab[] = [];
afterEach(() => {
  while (labs.length) labs.pop()?.dispose();
});
function lab(vendor: 'amd' | 'nvidia' | 'none', model?: string): Lab {
  const l = makeLab(vendor, { model });
  labs.push(l);
  return l;
}
function run(l: Lab, tool: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(join(SIM_BIN, tool), args, { env: l.env, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('rocm-smi simulator', () => {
  it('prints one line of json.dumps with string values under cardN keys', () => {
    const r = run(lab('amd'), 'rocm-smi', '--showtemp', '--showpower', '--showuse', '--showmeminfo', 'vram', '--json');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.out).toContain('{"card0": {"Temperature (Sensor edge) (C)": "');
    const doc = JSON.parse(r.out) as Record<string, Record<string, unknown>>;
    expect(Object.keys(doc)).toEqual(['card0', 'card1']);
    for (const v of Object.values(doc.card0!)) expect(typeof v).toBe('string');
    expect(doc.card0!['Average Graphics Package Power (W)']).toBe('36.0');
  });
  it('uses the MI300 key and N/A edge for that model', () => {
    const doc = JSON.parse(run(lab('amd', 'mi300x'), 'rocm-smi', '-d', '0', '-t', '-P', '--json').out) as Record<string, Record<string, string>>;
    expect(doc.card0!['Current Socket Graphics Package Power (W)']).toBe('140.0');
    expect(doc.card0!['Temperature (Sensor edge) (C)']).toBe('N/A');
  });
  it('argparse errors: unknown flag and bad int exit 2', () => {
    const l = lab('amd');
    const a = run(l, 'rocm-smi', '--showtemp', '--frobnicate');
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/^usage: rocm-smi/);
    expect(a.err).toContain('rocm-smi: error: unrecognized arguments: --frobnicate');
    const b = run(l, 'rocm-smi', '-d', 'x', '-t');
    expect(b.code).toBe(2);
    expect(b.err).toContain("argument -d/--device: invalid int value: 'x'");
  });
  it('a missing device is a warning with exit 0, like the real sys.exit()', () => {
    const r = run(lab('amd'), 'rocm-smi', '-d', '7', '-t');
    expect(r.code).toBe(0);
    expect(r.err).toContain('WARNING: No such device card7');
  });
  it('--gpureset needs exactly one -d', () => {
    const l = lab('amd');
    expect(run(l, 'rocm-smi', '--gpureset', '--autorespond', 'y').err).toContain('No device specified');
    const two = run(l, 'rocm-smi', '--gpureset', '-d', '0', '1', '--autorespond', 'y');
    expect(two.code).toBe(1);
    expect(two.err).toContain('GPU Reset can only be performed on one GPU per call');
  });
  it('raising the cap without --autorespond hits the interactive prompt (EOF, exit 1)', () => {
    const l = lab('amd');
    expect(run(l, 'rocm-smi', '-d', '0', '--setpoweroverdrive', '150', '--autorespond', 'y').code).toBe(0);
    const r = run(l, 'rocm-smi', '-d', '0', '--setpoweroverdrive', '300');
    expect(r.code).toBe(1);
    expect(r.err).toContain('EOFError');
  });
  it('without an AMD GPU: "Driver not initialized" and exit 0', () => {
    const r = run(lab('none'), 'rocm-smi', '--showtemp', '--json');
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(r.err).toBe('ERROR:root:Driver not initialized (amdgpu not found in modules)\n');
  });
  it('--showpids with no process prints no JSON (the real tool has nothing to report)', () => {
    const r = run(lab('amd'), 'rocm-smi', '--showpids', '--json');
    expect(r.out).toBe('');
    expect(r.err).toContain('No JSON data to report');
  });
});

describe('amd-smi simulator', () => {
  it('JSON: indented list of per-GPU objects with {value, unit}', () => {
    const r = run(lab('amd'), 'amd-smi', 'metric', '-g', '0', '-p', '--json');
    expect(r.out.startsWith('[\n    {\n        "gpu": 0,')).toBe(true);
    expect(JSON.parse(r.out)[0].power.socket_power).toEqual({ value: 36, unit: 'W' });
  });
  it('gpu_data wrapper when asked (newer releases)', () => {
    const l = makeLab('amd', { extraEnv: { GAMEDAY_LAB_AMDSMI_JSON: 'gpu_data' } });
    labs.push(l);
    expect(Object.keys(JSON.parse(run(l, 'amd-smi', 'metric', '-u', '--json').out))).toEqual(['gpu_data']);
  });
  it('reset -o goes to the max cap, not the previous one', () => {
    const l = lab('amd');
    run(l, 'amd-smi', 'set', '-g', '0', '-o', '200');
    run(l, 'amd-smi', 'reset', '-g', '0', '-o');
    expect(simState(l).gpus[0]!.powerCapW).toBe(300);
  });
  it('errors: unknown flag exit 2; unknown subcommand and missing GPU in the CLI exception style', () => {
    const l = lab('amd');
    expect(run(l, 'amd-smi', 'set', '-g', '0', '--bogus').code).toBe(2);
    expect(run(l, 'amd-smi', 'frob').out).toContain("Command 'frob' is invalid. Run '--help' for more info. Error code: -1");
    expect(run(l, 'amd-smi', 'set', '-g', '9', '-l', 'low').out).toContain("GPU Device with GPU_INDEX '9' cannot be found on the system. Error code: -3");
    expect(run(l, 'amd-smi', 'set', '-l', 'low').out).toContain('A GPU must be specified');
    expect(run(l, 'amd-smi', 'set', '-g', '0', '-o', '5000')).toMatchObject({ code: 1 });
  });
  it('without an AMD GPU: exits 255', () => {
    expect(run(lab('nvidia'), 'amd-smi', 'list', '--json').code).toBe(255);
  });
});

describe('nvidia-smi simulator exit codes (man page)', () => {
  it('0 ok, 2 invalid argument, 6 not found, 9 no driver', () => {
    const l = lab('nvidia');
    expect(run(l, 'nvidia-smi', '-L').code).toBe(0);
    expect(run(l, 'nvidia-smi', '--frobnicate').code).toBe(2);
    expect(run(l, 'nvidia-smi', '--query-gpu=bogus', '--format=csv').code).toBe(2);
    expect(run(l, 'nvidia-smi', '-i', '0', '-pl', '20').code).toBe(2);
    expect(run(l, 'nvidia-smi', '-i', '9', '--query-gpu=index', '--format=csv')).toMatchObject({ code: 6, out: 'No devices were found\n' });
    expect(run(lab('amd'), 'nvidia-smi', '-L').code).toBe(9);
  });
  it('CSV with and without units', () => {
    const l = lab('nvidia');
    expect(run(l, 'nvidia-smi', '-i', '0', '--query-gpu=index,power.limit,memory.total', '--format=csv').out).toBe('index, power.limit [W], memory.total [MiB]\n0, 250.00 W, 40960 MiB\n');
    expect(run(l, 'nvidia-smi', '-i', '0', '--query-gpu=index,power.limit', '--format=csv,noheader,nounits').out).toBe('0, 250.00\n');
  });
});

describe('dcgmi simulator', () => {
  it('without --gpuid injects into GPU 1 (the documented default)', () => {
    const l = lab('nvidia');
    expect(run(l, 'dcgmi', 'test', '--inject', '-f', '230', '-v', '79').out).toBe('Successfully injected field info.\n');
    expect(run(l, 'dcgmi', 'dmon', '-i', '1', '-e', '230', '-c', '1').out).toMatch(/GPU 1\s+79/);
    expect(run(l, 'dcgmi', 'dmon', '-i', '0', '-e', '230', '-c', '1').out).toMatch(/GPU 0\s+0/);
  });
  it('no host engine on a non-NVIDIA node', () => {
    expect(run(lab('amd'), 'dcgmi', 'dmon', '-e', '230').err).toContain('Unable to connect to host engine');
  });
});

describe('root checks (run as nobody)', () => {
  it('rocm-smi relaunches via sudo (fails without a TTY), amd-smi needs elevation, nvidia-smi exits 4; reads work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-gpu-nobody-'));
    chmodSync(dir, 0o777);
    try {
      const as = (vendor: string, tool: string, ...args: string[]) => {
        const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(SIM_BIN, tool), ...args], {
          env: { PATH: process.env.PATH, GAMEDAY_LAB_STATE: join(dir, vendor), GAMEDAY_LAB_GPU: vendor }, encoding: 'utf8',
        });
        return { code: r.status, out: r.stdout, err: r.stderr };
      };
      const r1 = as('amd', 'rocm-smi', '-d', '0', '--setperflevel', 'low', '--autorespond', 'y');
      expect(r1.code).toBe(1);
      expect(r1.err).toContain('sudo: a terminal is required');
      const r2 = as('amd', 'amd-smi', 'set', '-g', '0', '-l', 'low');
      expect(r2).toMatchObject({ code: 1, err: 'PermissionError: Command requires elevation\n' });
      expect(as('nvidia', 'nvidia-smi', '-i', '0', '-pl', '150').code).toBe(4);
      expect(as('amd', 'rocm-smi', '-d', '0', '-p', '--json').out).toContain('"Performance Level": "auto"');
      expect(as('nvidia', 'nvidia-smi', '--query-gpu=index', '--format=csv,noheader').out).toBe('0\n1\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('simulator state', () => {
  it('no lost update under concurrent calls (lock + atomic rename)', async () => {
    const l = lab('amd');
    const N = 8;
    const pids = await Promise.all(
      Array.from({ length: N }, (_, i) => new Promise<number>((resolve, reject) => {
        const c = spawn(join(SIM_BIN, 'gpu-sim-ctl'), ['spawn', '--gpu', String(i % 2)], { env: l.env });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.on('close', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`exit ${code}`))));
      })),
    );
    try {
      const st = simState(l);
      expect(st.gpus[0]!.processes.length + st.gpus[1]!.processes.length).toBe(N);
    } finally {
      for (const p of pids) process.kill(p, 'SIGKILL');
    }
    // Killed stand-ins leave the table by themselves.
    await new Promise((r) => setTimeout(r, 200));
    const st = simState(l);
    expect(st.gpus[0]!.processes.length + st.gpus[1]!.processes.length).toBe(0);
  }, 60_000);
});
