/**
 * One simulated node's SSH server (ssh2) behind the node's firewall gate. Every exec runs for real
 * in /bin/sh through the node's runner (its bubblewrap sandbox when confined), after the node's
 * prelude, with the node's environment and paths (layout.ts). Interactive shells get a pty through
 * util-linux `script`, and only on a confined node: an unconfined one would be a shell on the
 * console's own machine, so it gets a plain refusal instead.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ServerChannel } from 'ssh2';
import { listenGated, type Gate } from './gate.js';
import { sessionEnv, type SessionInfo } from './layout.js';
import { nodeShell } from './local-node.js';
import type { NodeCommand, NodeRunner } from './node-runner.js';
import { connectPath, type NodeView } from './node-view.js';
import { systemBinary } from './resources.js';

const { Server, utils } = ssh2;

/** OpenSSH's MaxSessions default: channels beyond it are refused, so the pool meets a realistic server. */
const MAX_SESSIONS = 10;

/** What an interactive shell on an unconfined node prints before it closes. */
export const SHELL_REFUSED = 'Interactive shells on simulated nodes need the node sandbox (bubblewrap), which is not available here';

export interface SshNodeOptions {
  /** Where the node's commands run. */
  runner: NodeRunner;
  view: NodeView;
  session: Omit<SessionInfo, 'client' | 'sshPort'>;
  host: string;
  port: number;
  hostKey: string;
  clientKeyPub: string;
  rand: () => number;
  /** Why the node is unconfined (shown with a refused shell). */
  unconfinedReason?: string;
  /** May this node forward (ProxyJump) to dest? Only other simulated nodes. */
  mayForward: (host: string, port: number) => boolean;
  /** Called before each exec (refresh the node's simulated /proc files). */
  beforeExec?: () => void;
}

export interface SshNode {
  port: number;
  close(): Promise<void>;
}

type PublicKey = { getPublicSSH(): Buffer; verify(d: Buffer, s: Buffer, h?: string): boolean };

export async function startSshNode(o: SshNodeOptions): Promise<SshNode> {
  const allowed = utils.parseKey(o.clientKeyPub) as PublicKey | Error;
  if (allowed instanceof Error) throw allowed;
  const children = new Set<ChildProcess>();
  const sight = o.runner.sight;
  const conns = new Set<Connection>();
  let gate: Gate | undefined;
  const server = new Server({ hostKeys: [o.hostKey], ident: 'OpenSSH_9.2p1 gameday-sim' }, (conn, info) => {
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    conn.on('error', () => undefined);
    conn.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.key.algo !== 'ssh-ed25519' || !ctx.key.data.equals(allowed.getPublicSSH())) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept(); // key probe
      return allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) ? ctx.accept() : ctx.reject(['publickey']);
    });
    conn.on('ready', () => {
      let open = 0;
      const env = () => sessionEnv(sight, { ...o.session, sshPort: gate?.port ?? o.port, client: { ip: info.ip, port: info.port } });
      conn.on('session', (accept, reject) => {
        if (open >= MAX_SESSIONS) return reject();
        open++;
        const session = accept();
        session.on('close', () => open--);
        let pty: { cols: number; rows: number; term: string } | undefined;
        let current: NodeCommand | undefined;
        session.on('signal', (acc, _rej, sig) => {
          acc?.();
          current?.signal(`SIG${sig.name}` as NodeJS.Signals);
        });
        session.on('pty', (acc, _rej, p) => {
          pty = { cols: p.cols, rows: p.rows, term: p.term };
          acc?.();
        });
        session.on('env', (acc) => acc?.());
        session.on('window-change', (acc) => acc?.());
        session.on('exec', (acc, _rej, req) => {
          o.beforeExec?.();
          current = run(acc(), nodeShell(o.runner, env(), req.command));
        });
        session.on('shell', (acc) => {
          const ch = acc();
          if (!o.runner.confined) {
            ch.stderr.write(`${SHELL_REFUSED}${o.unconfinedReason ? ` (${o.unconfinedReason})` : ''}.\r\nFaults and runbook commands still run on this node.\r\n`);
            ch.exit(1);
            ch.end();
            return;
          }
          const e = { ...env(), TERM: pty?.term ?? 'xterm', COLUMNS: String(pty?.cols ?? 80), LINES: String(pty?.rows ?? 24), PS1: `root@${o.session.name}:$PWD# ` };
          const script = systemBinary('script');
          const shim = `${sight.bin}/sh`;
          current = run(ch, o.runner.run(script ? [script, '-q', '-f', '-e', '-c', `${shim} -i`, '/dev/null'] : [shim, '-i'], { env: e }));
        });
      });
      conn.on('tcpip', (accept, reject, req) => {
        if (!o.mayForward(req.destIP, req.destPort)) return reject();
        const s = net.connect(req.destPort, req.destIP, () => {
          const ch = accept();
          s.pipe(ch).pipe(s);
          ch.on('error', () => s.destroy());
        });
        s.on('error', () => reject());
      });
    });
  });
  const run = (ch: ServerChannel, cmd: NodeCommand): NodeCommand => {
    const { child } = cmd;
    children.add(child);
    child.stdout?.pipe(ch, { end: false });
    child.stderr?.pipe(ch.stderr, { end: false });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      ch.pipe(child.stdin);
    }
    child.on('error', (e) => {
      ch.stderr.write(`${e.message}\n`);
    });
    child.on('close', (code, sig) => {
      children.delete(child);
      try {
        if (sig) ch.exit(sig.replace(/^SIG/, ''), false, '');
        else ch.exit(code ?? 0);
        ch.end();
      } catch {
        /* client already gone */
      }
    });
    return cmd;
  };
  gate = await listenGated(
    o.host,
    o.port,
    (s) => connectPath(o.view, { ip: s.remoteAddress ?? '127.0.0.1', port: s.remotePort ?? 0 }, gate?.port ?? o.port, o.rand),
    (s) => server.injectSocket(s),
  );
  const g = gate;
  return {
    port: g.port,
    close: async () => {
      for (const c of children) c.kill('SIGKILL');
      for (const c of conns) c.end();
      await g.close();
    },
  };
}
