#!/usr/bin/env node
/**
 * Network probes run INSIDE a lab node's namespace (`ip netns exec <ns> node netprobe.mjs OP JSON`),
 * so tests can look at a fault from another node, independently of the fault's own verify.
 * Plain Node, no dependencies (starts fast; no tsx). Prints one JSON line with the result.
 *
 *   tcp        {host, port, n, timeoutMs, concurrency} -> {ok, refused, timeout}
 *   dns-serve  {ip}                                     -> serves A 10.99.99.99 on ip:53 (UDP + TCP), prints READY
 *   dns-query  {server, name, timeoutMs}                -> {udp, tcp}: "ok:<addr>" | "refused" | "timeout" | "error:<code>"
 */
import net from 'node:net';
import dgram from 'node:dgram';

const [op, rawArgs] = process.argv.slice(2);
const a = JSON.parse(rawArgs ?? '{}');

/** One TCP connect: ok | refused | timeout. */
function connectOnce(host, port, timeoutMs) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (v) => { clearTimeout(t); s.destroy(); resolve(v); };
    const t = setTimeout(() => done('timeout'), timeoutMs);
    s.once('connect', () => done('ok'));
    s.once('error', (e) => done(e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' ? 'refused' : 'timeout'));
  });
}

async function tcp() {
  const counts = { ok: 0, refused: 0, timeout: 0 };
  let next = 0;
  const worker = async () => {
    while (next < a.n) {
      next++;
      counts[await connectOnce(a.host, a.port, a.timeoutMs)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(a.concurrency ?? 1, a.n) }, worker));
  return counts;
}

/** Minimal DNS query for an A record (RFC 1035 4.1). */
function query(name, id) {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** Answer any query with one A record 10.99.99.99 (a name test data only; never routed). */
function answer(q) {
  const qEnd = q.indexOf(0, 12) + 5;
  const head = Buffer.from(q.subarray(0, qEnd));
  head[2] = 0x81; head[3] = 0x80; // response, recursion desired + available, no error
  head[6] = 0; head[7] = 1; // one answer
  const rr = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 99, 99, 99]);
  return Buffer.concat([head, rr]);
}

/** The address in the first A answer of a response, or null. */
function parseA(r) {
  if (r.length < 12 || (r[3] & 15) !== 0 || r.readUInt16BE(6) < 1) return null;
  return [...r.subarray(r.length - 4)].join('.');
}

function dnsServe() {
  const u = dgram.createSocket('udp4');
  u.on('message', (m, rinfo) => u.send(answer(m), rinfo.port, rinfo.address));
  u.bind(53, a.ip);
  net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', (d) => {
      const body = answer(d.subarray(2));
      const len = Buffer.alloc(2);
      len.writeUInt16BE(body.length);
      s.end(Buffer.concat([len, body]));
    });
  }).listen(53, a.ip, () => process.stdout.write('READY\n'));
}

function dnsUdp() {
  return new Promise((resolve) => {
    const u = dgram.createSocket('udp4');
    const done = (v) => { clearTimeout(t); u.close(); resolve(v); };
    const t = setTimeout(() => done('timeout'), a.timeoutMs);
    u.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : `error:${e.code}`));
    u.on('message', (m) => done(parseA(m) ? `ok:${parseA(m)}` : 'error:bad_answer'));
    // connect() so an ICMP port-unreachable (REJECT) surfaces as ECONNREFUSED instead of silence.
    u.connect(53, a.server, () => u.send(query(a.name, 0x4744)));
  });
}

function dnsTcp() {
  return new Promise((resolve) => {
    const s = net.connect({ host: a.server, port: 53 });
    const done = (v) => { clearTimeout(t); s.destroy(); resolve(v); };
    const t = setTimeout(() => done('timeout'), a.timeoutMs);
    let buf = Buffer.alloc(0);
    s.on('connect', () => {
      const q = query(a.name, 0x4745);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      s.write(Buffer.concat([len, q]));
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const ip = parseA(buf.subarray(2));
        done(ip ? `ok:${ip}` : 'error:bad_answer');
      }
    });
    s.on('error', (e) => done(e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' ? 'refused' : `error:${e.code}`));
  });
}

if (op === 'tcp') process.stdout.write(`${JSON.stringify(await tcp())}\n`);
else if (op === 'dns-serve') dnsServe();
else if (op === 'dns-query') process.stdout.write(`${JSON.stringify({ udp: await dnsUdp(), tcp: await dnsTcp() })}\n`);
else {
  process.stderr.write(`unknown op ${op}\n`);
  process.exit(2);
}
