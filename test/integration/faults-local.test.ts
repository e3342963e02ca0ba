/**
 * Fault scripts against the real kernel, without SSH: each script runs inside a throwaway network
 * namespace (`ip netns exec`) with a fake SSH_CONNECTION, and its effect is measured from the root
 * namespace. Real iptables, tc and stress-ng; no mocks. Needs root.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildInject, buildRenew, buildRevert, cleanupAll, SCRIPT_EXIT as EXIT, getFault, parseStatus, parseTraces, resolveParams, scanTraces,
} from '../../src-main/faults/index.js';
import type { FaultContext } from '../../src-main/faults/types.js';
import { uncheckedFault } from './helpers/unchecked-faults.js';
import { sh } from '../../src-main/shell/index.js';
import {
  createLab, destroyLab, measureDownload, MGMT_PORT, nodeInNs, runInNs, sleep, startNsServer, tcpProbe, type Lab,
} from './faults-local-lab.js';

const RUN = `it-${randomBytes(4).toString('hex')}`;
const ROOT = `/tmp/gdt-${RUN}`;
let lab: Lab;
let seq = 0;

function ctx(over: Partial<FaultContext> = {}): FaultContext {
  return { runId: RUN, faultId: `f${++seq}`, node: { name: 'ns', host: '10.253.0.2', gpu: 'none' }, leaseTtlSec: 30, maxDurationSec: 120, ...over };
}

/** inject -> (check) -> revert through the same builders the engine uses; returns statuses. */
async function withFault(id: string, params: Record<string, unknown>, during: () => Promise<void>, c = ctx()) {
  const mod = getFault(id);
  const p = resolveParams(mod, { params });
  const inj = await runInNs(lab, buildInject(mod, p, c));
  expect(inj.code, `${id} inject\n${inj.stdout}\n${inj.stderr}`).toBe(0);
  expect(parseStatus(inj.stdout)).toMatchObject({ inject: 'ok', verify: 'ok' });
  try {
    await during();
  } finally {
    const rev = await runInNs(lab, buildRevert(mod, p, c));
    expect(rev.code, `${id} revert\n${rev.stdout}\n${rev.stderr}`).toBe(0);
    expect(parseStatus(rev.stdout)).toMatchObject({ revert: 'ok', clean: 'yes' });
    // Idempotent: a second revert (and the module's bare revert) still exits 0.
    expect((await runInNs(lab, mod.revert(p, c))).code).toBe(0);
  }
}

/** Host-side listener on the lab's host address (for traffic the namespace sends out). */
function hostServer(port: number): Promise<net.Server> {
  return new Promise((resolve) => {
    const s = net.createServer((c) => { c.on('error', () => {}); c.resume(); }).listen(port, lab.hostIp, () => resolve(s));
  });
}

/**
 * Upload from the namespace to host:port for `secs`, measured where it counts: bytes the host
 * receives in the window [1 s, secs) after the first byte (skips the initial burst). kbit/s.
 */
async function measureUpload(port: number, secs: number): Promise<number> {
  let t0 = 0;
  let bytes = 0;
  const srv = await new Promise<net.Server>((resolve) => {
    const s = net.createServer((c) => {
      c.on('error', () => {});
      c.on('data', (d: Buffer) => {
        const now = Date.now();
        if (!t0) t0 = now;
        if (now - t0 >= 1000 && now - t0 < secs * 1000) bytes += d.length;
      });
    }).listen(port, lab.hostIp, () => resolve(s));
  });
  try {
    await nodeInNs(lab, NS_UPLOAD, [lab.hostIp, String(port), String(secs)]);
  } finally {
    srv.close();
  }
  return (bytes * 8) / 1000 / (secs - 1);
}

/** From inside the namespace: connect to host:port -> ok | refused | timeout. */
const NS_CONNECT = `const s=require('net').connect({host:process.argv[1],port:+process.argv[2]});const t=setTimeout(()=>{console.log('timeout');process.exit()},800);
s.on('connect',()=>{console.log('ok');process.exit()});s.on('error',e=>{console.log(e.code==='ECONNREFUSED'?'refused':'timeout');process.exit()})`;
/** From inside the namespace: send zeros to host:port as fast as possible for N s, then exit. */
const NS_UPLOAD = `const net=require('net');const [h,p,secs]=[process.argv[1],+process.argv[2],+process.argv[3]];const buf=Buffer.alloc(16384);
const s=net.connect({host:h,port:p},()=>{const end=Date.now()+secs*1000;
const pump=()=>{while(Date.now()<end){if(!s.write(buf)){s.once('drain',pump);return}}s.destroy();process.exit()};
pump();setTimeout(()=>process.exit(),secs*1000+500)});s.on('error',()=>process.exit())`;

beforeAll(async () => {
  lab = createLab();
  mkdirSync(ROOT, { recursive: true });
  await startNsServer(lab, [MGMT_PORT, 8080, 5001]);
});

afterAll(async () => {
  // Sweep anything a failed test left (this run only), then drop the lab.
  if (lab) await runInNs(lab, cleanupAll(RUN, { forceLive: true }));
  for (const m of ['mnt', 'mnt2']) try { execFileSync('umount', [`${ROOT}/${m}`], { stdio: 'ignore' }); } catch { /* not mounted */ }
  rmSync(ROOT, { recursive: true, force: true });
  if (lab) destroyLab(lab);
});

describe('network faults (iptables)', () => {
  it('network-loss drops about the configured share; the management flow is exempt', async () => {
    const PROBES = 400;
    const measure = async (): Promise<number> => {
      const sock = dgram.createSocket('udp4');
      let got = 0;
      sock.on('message', () => got++);
      await new Promise<void>((r) => sock.bind(0, lab.hostIp, () => r()));
      for (let i = 0; i < PROBES; i++) {
        sock.send(Buffer.from(String(i)), 7, lab.nsIp);
        if (i % 20 === 0) await sleep(5);
      }
      await sleep(500);
      sock.close();
      return got / PROBES;
    };
    expect(await measure()).toBe(1);
    await withFault('network-loss', { percent: 30, direction: 'egress' }, async () => {
      const delivered = await measure();
      console.log(`network-loss 30% egress: delivered ${(delivered * 100).toFixed(1)}% of ${PROBES} UDP echoes`);
      // Binomial sd at n=400, p=0.3 is 2.3 points; +-10 points is > 4 sd.
      expect(delivered).toBeGreaterThan(0.6);
      expect(delivered).toBeLessThan(0.8);
      for (let i = 0; i < 20; i++) expect(await tcpProbe(lab.nsIp, MGMT_PORT)).toBe('ok');
    });
    expect(await measure()).toBe(1);
  });

  it('network-partition (everyone) blocks peers while the management ip:port still connects', async () => {
    await withFault('network-partition', {}, async () => {
      expect(await tcpProbe(lab.nsIp, 8080)).toBe('timeout');
      expect(await tcpProbe(lab.nsIp, MGMT_PORT)).toBe('ok');
    });
    expect(await tcpProbe(lab.nsIp, 8080)).toBe('ok');
  });

  it('network-partition from listed peers refuses to cut off the management host (node-side guard)', async () => {
    const mod = getFault('network-partition');
    const r = await runInNs(lab, buildInject(mod, resolveParams(mod, { params: { peers: [`${lab.hostIp}/30`] } }), ctx()));
    expect(r.code).toBe(EXIT.REFUSED);
    expect(parseStatus(r.stdout)).toMatchObject({ refused: 'mgmt_host_targeted', inject: 'fail' });
    expect(await tcpProbe(lab.nsIp, 8080)).toBe('ok');
  });

  it('finds the management flow in an ancestor when sudo-like wrappers drop SSH_CONNECTION', async () => {
    const mod = getFault('network-partition');
    const p = resolveParams(mod, {});
    const c = ctx();
    const inner = buildInject(mod, p, c);
    // Like `sudo sh -c ...` with env_reset: the fault script's own environment lacks the variable.
    const r = await runInNs(lab, sh`env -u SSH_CONNECTION sh -c ${inner.text}`);
    try {
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(parseStatus(r.stdout).mgmt_exempt).toBe(`${lab.hostIp}:${MGMT_PORT}`);
      expect(await tcpProbe(lab.nsIp, MGMT_PORT)).toBe('ok');
    } finally {
      expect(parseStatus((await runInNs(lab, buildRevert(mod, p, c))).stdout).clean).toBe('yes');
    }
  });

  it('refuses a fault on everyone when no management flow can be found', async () => {
    if (process.env.SSH_CONNECTION) return; // the test itself runs over SSH: an ancestor has the variable
    const mod = getFault('network-partition');
    const r = await runInNs(lab, buildInject(mod, resolveParams(mod, {}), ctx()), { SSH_CONNECTION: '' });
    expect(r.code).toBe(EXIT.REFUSED);
    expect(parseStatus(r.stdout).refused).toBe('no_mgmt_flow');
    expect(await tcpProbe(lab.nsIp, 8080)).toBe('ok');
  });

  it('port-block refuses the port, leaves others', async () => {
    await withFault('port-block', { port: 8080 }, async () => {
      expect(await tcpProbe(lab.nsIp, 8080)).toBe('refused');
      expect(await tcpProbe(lab.nsIp, 5001)).toBe('ok');
    });
    expect(await tcpProbe(lab.nsIp, 8080)).toBe('ok');
  });

  it('port-block of the live SSH port is refused on the node', async () => {
    const mod = getFault('port-block');
    const r = await runInNs(lab, buildInject(mod, resolveParams(mod, { params: { port: MGMT_PORT } }), ctx()));
    expect(r.code).toBe(EXIT.REFUSED);
    expect(parseStatus(r.stdout).refused).toBe('mgmt_port_targeted');
  });

  it('dns-failure blocks udp and tcp 53 egress', async () => {
    const udp = dgram.createSocket('udp4');
    let seen = 0;
    udp.on('message', () => seen++);
    await new Promise<void>((r) => udp.bind(53, lab.hostIp, () => r()));
    const tcp = await hostServer(53);
    const send = `const s=require('dgram').createSocket('udp4');let n=0;const go=()=>{s.send('q',53,process.argv[1],()=>{if(++n<5)go();else setTimeout(()=>process.exit(),100)})};go()`;
    try {
      await nodeInNs(lab, send, [lab.hostIp]);
      await sleep(200);
      expect(seen).toBe(5);
      await withFault('dns-failure', {}, async () => {
        seen = 0;
        await nodeInNs(lab, send, [lab.hostIp]);
        await sleep(200);
        expect(seen).toBe(0);
        expect((await nodeInNs(lab, NS_CONNECT, [lab.hostIp, '53'])).trim()).toBe('refused');
      });
      expect((await nodeInNs(lab, NS_CONNECT, [lab.hostIp, '53'])).trim()).toBe('ok');
    } finally {
      udp.close();
      tcp.close();
    }
  });

  it('dependency-block cuts one upstream host:port only', async () => {
    const a = await hostServer(9000);
    const b = await hostServer(9001);
    try {
      await withFault('dependency-block', { host: lab.hostIp, port: 9000 }, async () => {
        expect((await nodeInNs(lab, NS_CONNECT, [lab.hostIp, '9000'])).trim()).toBe('refused');
        expect((await nodeInNs(lab, NS_CONNECT, [lab.hostIp, '9001'])).trim()).toBe('ok');
      });
      expect((await nodeInNs(lab, NS_CONNECT, [lab.hostIp, '9000'])).trim()).toBe('ok');
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('network faults (tc)', () => {
  it('network-bandwidth (tbf) caps egress; the management flow is not shaped', async () => {
    const RATE = 2000;
    await withFault('network-bandwidth', { iface: lab.nsIf, rateKbit: RATE }, async () => {
      const shaped = await measureDownload(lab.nsIp, 5001, 4);
      const mgmt = await measureDownload(lab.nsIp, MGMT_PORT, 3);
      console.log(`network-bandwidth ${RATE} kbit/s: measured ${shaped.toFixed(0)} kbit/s; management flow ${(mgmt / 1000).toFixed(0)} Mbit/s`);
      expect(shaped).toBeGreaterThan(RATE * 0.75);
      expect(shaped).toBeLessThan(RATE * 1.25);
      expect(mgmt).toBeGreaterThan(RATE * 20);
    });
    expect(await measureDownload(lab.nsIp, 5001, 2)).toBeGreaterThan(RATE * 20);
  });

  it('dependency-slow shapes only the flow to host:port', async () => {
    const RATE = 1000;
    await withFault('dependency-slow', { host: lab.hostIp, port: 9000, rateKbit: RATE }, async () => {
      const slow = await measureUpload(9000, 5);
      const fast = await measureUpload(9001, 3);
      console.log(`dependency-slow ${RATE} kbit/s: to :9000 ${slow.toFixed(0)} kbit/s, to :9001 ${(fast / 1000).toFixed(0)} Mbit/s`);
      expect(slow).toBeGreaterThan(RATE * 0.6);
      expect(slow).toBeLessThan(RATE * 1.25);
      expect(fast).toBeGreaterThan(RATE * 20);
    });
  });

  it('a second shaping fault on the same interface is refused (would destroy the first on revert)', async () => {
    await withFault('network-bandwidth', { iface: lab.nsIf, rateKbit: 5000 }, async () => {
      const mod = getFault('network-bandwidth');
      const r = await runInNs(lab, buildInject(mod, resolveParams(mod, { params: { iface: lab.nsIf, rateKbit: 100 } }), ctx()));
      expect(r.code).toBe(EXIT.REFUSED);
      expect(parseStatus(r.stdout).refused).toBe('qdisc_busy');
    });
  });

  it('netem faults fail cleanly where the kernel lacks sch_netem', async () => {
    const mod = getFault('network-latency');
    const p = resolveParams(mod, { params: { iface: lab.nsIf, delayMs: 100 } });
    const c = ctx();
    const r = await runInNs(lab, buildInject(mod, p, c));
    const q = execFileSync('ip', ['netns', 'exec', lab.ns, 'tc', 'qdisc', 'show', 'dev', lab.nsIf], { encoding: 'utf8' });
    if (r.code === 0) {
      await runInNs(lab, buildRevert(mod, p, c)); // this kernel has netem after all
      return;
    }
    expect(parseStatus(r.stdout)).toMatchObject({ inject: 'fail', reverted_after_failure: 'yes' });
    expect(q).not.toMatch(/htb/);
  });
});

describe('host and process faults', () => {
  /** Non-zombie members of a process group (zombies linger where PID 1 does not reap). */
  const liveInGroup = (pgid: number): string[] =>
    execFileSync('sh', ['-c', `ps -o pid=,stat= -g ${pgid} || true`], { encoding: 'utf8' })
      .split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 2 && !f[1]!.startsWith('Z')).map((f) => f[0]!);
  const groupCpuSec = (pgid: number): number => {
    let ticks = 0;
    for (const d of liveInGroup(pgid)) {
      try {
        const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
      } catch { /* exited */ }
    }
    return ticks / 100; // USER_HZ is 100 on Linux
  };

  it('cpu-stress burns CPU in a detached stress-ng that revert removes', async () => {
    const c = ctx();
    let pid = 0;
    await withFault('cpu-stress', { workers: 1, loadPercent: 100 }, async () => {
      pid = Number(readFileSync(`/run/gameday/${RUN}/${c.faultId}.pid`, 'utf8'));
      const a = groupCpuSec(pid);
      await sleep(1000);
      const used = groupCpuSec(pid) - a;
      console.log(`cpu-stress 1 worker @100%: ${used.toFixed(2)} CPU-s per wall second (machine load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`);
      // One worker at 100% is 1 CPU-s/s on an idle box; shared CI machines give it less.
      expect(used).toBeGreaterThan(0.2);
    }, c);
    expect(liveInGroup(pid)).toEqual([]);
  });

  it('memory-pressure and io-stress start and stop', async () => {
    mkdirSync(`${ROOT}/io`, { recursive: true });
    await withFault('memory-pressure', { percent: 5 }, async () => { await sleep(300); });
    await withFault('io-stress', { mode: 'hdd', workers: 1, path: `${ROOT}/io`, hddMb: 4 }, async () => { await sleep(300); });
  });

  it('disk-fill reaches the target on a small tmpfs and never passes the floor', async () => {
    const mnt = `${ROOT}/mnt`;
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]);
    const usedPct = () => Number(execFileSync('df', ['-P', '-k', mnt], { encoding: 'utf8' }).split('\n')[1]!.trim().split(/\s+/)[4]!.replace('%', ''));
    const availMb = () => Number(execFileSync('df', ['-P', '-k', mnt], { encoding: 'utf8' }).split('\n')[1]!.trim().split(/\s+/)[3]) / 1024;
    await withFault('disk-fill', { path: mnt, targetPercent: 50, keepFreeMb: 1, keepFreePercent: 0 }, async () => {
      console.log(`disk-fill target 50%: df says ${usedPct()}%`);
      expect(Math.abs(usedPct() - 50)).toBeLessThanOrEqual(1);
    });
    expect(usedPct()).toBe(0);
    await withFault('disk-fill', { path: mnt, targetPercent: 99, keepFreeMb: 16, keepFreePercent: 0 }, async () => {
      console.log(`disk-fill target 99% with 16 MB floor: ${availMb().toFixed(2)} MB left`);
      expect(Math.abs(availMb() - 16)).toBeLessThan(0.5);
    });
  });

  it('process-pause freezes (state T) and revert resumes', async () => {
    const name = `gdslp${randomBytes(3).toString('hex')}`;
    execFileSync('cp', ['/bin/sleep', `${ROOT}/${name}`]);
    const child = (await import('node:child_process')).spawn(`${ROOT}/${name}`, ['300'], { stdio: 'ignore' });
    lab.children.push(child);
    await sleep(200);
    const state = () => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]![0];
    await withFault('process-pause', { name }, async () => {
      expect(state()).toBe('T');
    });
    expect(state()).toBe('S');
  });

  it('process-kill repeats every K s until reverted', async () => {
    const name = `gdkil${randomBytes(3).toString('hex')}`;
    execFileSync('cp', ['/bin/sleep', `${ROOT}/${name}`]);
    const { spawn } = await import('node:child_process');
    const start = () => {
      const c = spawn(`${ROOT}/${name}`, ['300'], { stdio: 'ignore' });
      lab.children.push(c);
      return new Promise<number>((resolve) => { const t0 = Date.now(); c.on('exit', () => resolve(Date.now() - t0)); });
    };
    await withFault('process-kill', { name, everySec: 1, durationSec: 30 }, async () => {
      expect(await start()).toBeLessThan(2500);
      expect(await start()).toBeLessThan(2500);
    });
    const survivor = start();
    const r = await Promise.race([survivor, sleep(2500).then(() => 'alive')]);
    expect(r).toBe('alive');
  });

  it('clock-skew verify/revert are safe no-ops when nothing was injected', async () => {
    const mod = getFault('clock-skew');
    const p = resolveParams(mod, { params: { offsetSec: 300 } });
    const c = ctx();
    expect((await runInNs(lab, mod.verify(p, c))).code).not.toBe(0);
    expect((await runInNs(lab, mod.revert(p, c))).code).toBe(0);
  });

  it('service-stop says clearly that it needs systemd when there is none', async () => {
    const mod = getFault('service-stop');
    const r = await runInNs(lab, mod.inject(resolveParams(mod, { params: { unit: 'nginx' } }), ctx()));
    if (existsSync('/run/systemd/system')) return; // this machine has systemd; nothing to assert here
    expect(r.code).toBe(EXIT.UNSUPPORTED);
    expect(r.stderr).toContain('service faults not supported here: no systemd');
  });
});

describe('dead-man lease', () => {
  it('reverts by itself when not renewed, and leaves no watchdog behind', async () => {
    const mod = getFault('port-block');
    const p = resolveParams(mod, { params: { port: 8080 } });
    const c = ctx({ leaseTtlSec: 3 });
    const t0 = Date.now();
    const r = await runInNs(lab, buildInject(mod, p, c));
    expect(r.code, r.stderr).toBe(0);
    const wd = Number(parseStatus(r.stdout).watchdog_pid);
    expect(await tcpProbe(lab.nsIp, 8080)).toBe('refused');
    while ((await tcpProbe(lab.nsIp, 8080)) !== 'ok') {
      expect(Date.now() - t0).toBeLessThan(8000);
      await sleep(200);
    }
    const secs = (Date.now() - t0) / 1000;
    console.log(`lease ttl 3 s: fault reverted by the watchdog ${secs.toFixed(2)} s after inject`);
    expect(secs).toBeGreaterThanOrEqual(2.5);
    await sleep(300);
    const st = existsSync(`/proc/${wd}/stat`) ? readFileSync(`/proc/${wd}/stat`, 'utf8').split(') ')[1]![0] : 'gone';
    expect(['gone', 'Z']).toContain(st); // Z: exited, waiting for PID 1 to reap it
    expect(existsSync(`/run/gameday/${RUN}/${c.faultId}.lease`)).toBe(false);
    expect(readFileSync(`/run/gameday/${RUN}/${c.faultId}.revert.log`, 'utf8')).toMatch(/lease not renewed/);
  });

  it('renewal keeps the fault alive past the TTL; revert then ends clean', async () => {
    const mod = getFault('port-block');
    const p = resolveParams(mod, { params: { port: 8080 } });
    const c = ctx({ leaseTtlSec: 3 });
    expect((await runInNs(lab, buildInject(mod, p, c))).code).toBe(0);
    for (let i = 0; i < 7; i++) {
      await sleep(1000);
      const rn = await runInNs(lab, buildRenew(RUN, [c.faultId]));
      expect(rn.code, rn.stdout).toBe(0);
      expect(parseStatus(rn.stdout)).toMatchObject({ renewed: '1', watchdog: 'alive' });
    }
    const all = await runInNs(lab, buildRenew(RUN)); // every lease of the run, by glob
    expect(all.code).toBe(0);
    expect(parseStatus(all.stdout)).toMatchObject({ lease: c.faultId, renewed: '1' });
    expect(await tcpProbe(lab.nsIp, 8080)).toBe('refused');
    const rv = await runInNs(lab, buildRevert(mod, p, c));
    expect(parseStatus(rv.stdout)).toMatchObject({ revert: 'ok', clean: 'yes' });
    expect(await tcpProbe(lab.nsIp, 8080)).toBe('ok');
    const rn = await runInNs(lab, buildRenew(RUN, [c.faultId]));
    expect(rn.code).not.toBe(0); // the lease is gone and renew says so instead of recreating it
  });
});

describe('hostile parameters never execute', () => {
  it('unvalidated hostile values stay inert through inject, verify and revert', async () => {
    const canary = `${ROOT}/canary`;
    const evil = [`; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, `'; touch ${canary}; '`, `x\ntouch ${canary}`];
    for (const e of evil) {
      const cases: Array<[string, Record<string, unknown>]> = [
        ['network-partition', { peers: [e], action: 'drop' }],
        ['dependency-slow', { host: e, port: 80, protocol: 'tcp', rateKbit: 100 }],
        ['network-bandwidth', { iface: e, rateKbit: 100 }],
        ['disk-fill', { path: `/tmp/${e}`, targetPercent: 50, keepFreeMb: 1, keepFreePercent: 1 }],
        ['process-pause', { name: e }],
        ['service-stop', { unit: e }],
      ];
      for (const [id, params] of cases) {
        const mod = uncheckedFault(id); // raw: the catalog's own check would refuse these params first
        const c = ctx();
        for (const cmd of [mod.inject(params as never, c), mod.verify(params as never, c), mod.revert(params as never, c)]) await runInNs(lab, cmd);
        expect(existsSync(canary), `${id} ${JSON.stringify(e)}`).toBe(false);
      }
    }
  });
});

describe('cleanup', () => {
  it('scanTraces finds what a run left and cleanupAll removes all of it', async () => {
    const run = `${RUN}-c`;
    const c1 = ctx({ runId: run });
    const c2 = ctx({ runId: run });
    const c3 = ctx({ runId: run });
    const part = getFault('network-partition');
    const bw = getFault('network-bandwidth');
    const cpu = getFault('cpu-stress');
    const fill = getFault('disk-fill');
    const c4 = ctx({ runId: run });
    const mnt = `${ROOT}/mnt2`;
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]);
    for (const [m, p, c] of [
      [fill, { path: mnt, targetPercent: 50, keepFreeMb: 1, keepFreePercent: 0 }, c4],
      [part, { peers: ['10.253.254.1'] }, c1],
      [bw, { iface: lab.nsIf, rateKbit: 5000 }, c2],
      [cpu, { workers: 1, loadPercent: 10 }, c3],
    ] as const) {
      const r = await runInNs(lab, buildInject(m, resolveParams(m, { params: p }), c));
      expect(r.code, r.stderr).toBe(0);
    }
    // Leases renewed moments ago (TTL 30 s) mark a live run: forced, as for a console known to be dead.
    const force = { forceLive: true };
    const kinds = parseTraces((await runInNs(lab, scanTraces(run, force))).stdout).map((t) => t.fields.kind);
    for (const k of ['watchdog', 'pending-revert', 'lease', 'run-dir', 'process', 'iptables-hook', 'iptables-chain', 'tc-root', 'fill-file']) expect(kinds, k).toContain(k);
    const cleaned = parseTraces((await runInNs(lab, cleanupAll(run, force))).stdout).filter((t) => t.verb !== 'LIVE');
    expect(cleaned.filter((t) => t.fields.ok !== 'yes')).toEqual([]);
    const after = parseTraces((await runInNs(lab, scanTraces(run))).stdout);
    expect(after).toEqual([]);
    expect(execFileSync('ip', ['netns', 'exec', lab.ns, 'iptables', '-S'], { encoding: 'utf8' })).not.toMatch(/GD-|gameday:/);
    expect(execFileSync('ip', ['netns', 'exec', lab.ns, 'tc', 'qdisc', 'show', 'dev', lab.nsIf], { encoding: 'utf8' })).not.toMatch(/htb/);
    expect(execFileSync('ls', ['-A', mnt], { encoding: 'utf8' })).toBe('');
    execFileSync('umount', [mnt]);
  });
});
