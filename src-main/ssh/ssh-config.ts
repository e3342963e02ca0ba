/**
 * OpenSSH client configuration (ssh_config(5)): parse once, resolve per host.
 *
 * Parsing keeps every option with the conditions (Host/Match guards) under which it applies, so one
 * parsed config answers for any alias. Resolution walks the options in file order and keeps the
 * first value obtained for each keyword, except IdentityFile/CertificateFile which accumulate —
 * exactly OpenSSH's rule. Behaviour was checked against `ssh -G` (OpenSSH 9.2); see the unit tests.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A parse or Include failure, located at file:line. Expected failures are data, not crashes. */
export class SshConfigError extends Error {
  override readonly name = 'SshConfigError';
  constructor(readonly file: string, readonly line: number, readonly detail: string) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
  }
}

/** One `Match` criterion. Only the criteria we can evaluate without running anything are kept. */
export interface MatchCriterion {
  attr: 'all' | 'host' | 'originalhost' | 'user' | 'localuser';
  negate: boolean;
  patterns: string[];
}

/** The condition opened by a `Host` or `Match` line; `never` stands for an unsupported Match. */
export type SshGuard =
  | { kind: 'host'; patterns: string[] }
  | { kind: 'match'; criteria: MatchCriterion[] }
  | { kind: 'never' };

/** One `Keyword args…` line with the guards (outer Include block first) that must all hold. */
export interface SshOption {
  key: string;
  args: string[];
  file: string;
  line: number;
  guards: SshGuard[];
}

/** A parsed configuration: options in file order (Includes inlined) plus Host lines for listing. */
export interface SshConfig {
  options: SshOption[];
  hosts: Array<{ patterns: string[]; file: string; line: number }>;
  warnings: string[];
  /** Every file read, in order (the main file first). */
  files: string[];
  /** Home directory used for `~`, `%d` and relative Include paths. */
  home: string;
}

/** Settings that decide how to reach one host, after ssh_config resolution. */
export interface ResolvedHost {
  alias: string;
  hostName: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  certificateFiles: string[];
  proxyJump: string[];
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
  serverAliveCountMax?: number;
  userKnownHostsFiles: string[];
  strictHostKeyChecking?: 'yes' | 'no' | 'accept-new' | 'ask';
  identitiesOnly?: boolean;
  warnings: string[];
}

/** Values given on a command line; like `ssh -l/-p`, they win over the file. */
export interface SshOverrides {
  user?: string;
  port?: number;
  hostName?: string;
}

export interface SshConfigOptions {
  /** Home directory (tests point this at a temp dir); default os.homedir(). */
  home?: string;
}

/** OpenSSH's READCONF_MAX_DEPTH: nested Include deeper than this is an error (catches loops). */
const MAX_INCLUDE_DEPTH = 16;
const ACCUMULATING = new Set(['identityfile', 'certificatefile']);
const UNSUPPORTED_MATCH = new Set(['canonical', 'final', 'exec', 'localnetwork', 'tagged']);

/**
 * Shell-style wildcard match (`*` any run, `?` one character), as OpenSSH's match_pattern.
 * Greedy two-pointer walk: O(text × pattern), no regex, so hostile patterns cannot blow up.
 */
export function globMatch(text: string, pattern: string, ignoreCase = false): boolean {
  const s = ignoreCase ? text.toLowerCase() : text;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  let si = 0, pi = 0, star = -1, mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) { si++; pi++; }
    else if (pi < p.length && p[pi] === '*') { star = pi++; mark = si; }
    else if (star >= 0) { pi = star + 1; si = ++mark; }
    else return false;
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/**
 * OpenSSH pattern-list rule: true when some positive pattern matches and no `!pattern` does.
 * Patterns may be given as separate words or comma-joined.
 */
export function matchPatternList(text: string, patterns: string[], ignoreCase = false): boolean {
  let positive = false;
  for (const raw of patterns.flatMap((p) => p.split(','))) {
    if (raw === '') continue;
    const negate = raw.startsWith('!');
    if (globMatch(text, negate ? raw.slice(1) : raw, ignoreCase)) {
      if (negate) return false;
      positive = true;
    }
  }
  return positive;
}

/** Split an argument string like OpenSSH's argv_split: quotes group, `#` starting a word ends the line. */
function splitArgs(s: string, file: string, line: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length || s[i] === '#') break;
    let word = '';
    let quote: string | null = null;
    for (; i < s.length; i++) {
      const c = s[i]!;
      const next = s[i + 1];
      if (quote) {
        if (c === quote) quote = null;
        else if (c === '\\' && (next === quote || next === '\\')) { word += next; i++; }
        else word += c;
      } else if (/\s/.test(c)) break;
      else if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && next !== undefined && /[\\'"\s]/.test(next)) { word += next; i++; }
      else word += c;
    }
    if (quote) throw new SshConfigError(file, line, `unterminated ${quote} quote`);
    out.push(word);
  }
  return out;
}

/** OpenSSH time format: `30`, `30s`, `1m30s`; returns seconds or undefined when malformed. */
function parseTime(v: string): number | undefined {
  if (!/^(\d+[smhdw]?)+$/i.test(v)) return undefined;
  const unit: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
  let total = 0;
  for (const m of v.toLowerCase().matchAll(/(\d+)([smhdw]?)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

/** Checks OpenSSH also makes at parse time, for the keywords we interpret. */
function validateValue(key: string, args: string[], file: string, line: number): void {
  const v = args[0]!;
  const bad = (what: string): never => { throw new SshConfigError(file, line, `${key}: ${what}, got "${v}"`); };
  if (key === 'port' && !(/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65_535)) bad('expected a port 1-65535');
  if ((key === 'connecttimeout' || key === 'serveraliveinterval') && v !== 'none' && parseTime(v) === undefined) bad('expected a time like 10 or 1m');
  if (key === 'serveralivecountmax' && !/^\d+$/.test(v)) bad('expected a whole number');
  if (key === 'stricthostkeychecking' && !/^(yes|no|ask|accept-new|off|true|false)$/i.test(v)) bad('expected yes, no, ask or accept-new');
  if (key === 'identitiesonly' && !/^(yes|no|true|false)$/i.test(v)) bad('expected yes or no');
}

/** Expand `~` and `~/` at the start of a path (not `~user`, which OpenSSH resolves via passwd). */
export function expandTilde(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

/** Expand an Include argument to the files it names: glob(3)-style, sorted, dotfiles only on request. */
function expandIncludeGlob(pattern: string): string[] {
  let bases = [path.isAbsolute(pattern) ? path.parse(pattern).root : '.'];
  for (const seg of pattern.split('/').filter((s) => s !== '')) {
    if (!/[*?]/.test(seg)) { bases = bases.map((b) => path.join(b, seg)); continue; }
    bases = bases.flatMap((b) => {
      let names: string[];
      try { names = readdirSync(b); } catch { return []; }
      return names.filter((n) => (seg.startsWith('.') || !n.startsWith('.')) && globMatch(n, seg))
        .sort().map((n) => path.join(b, n));
    });
  }
  return bases.filter((f) => { try { statSync(f); return true; } catch { return false; } });
}

function parseMatch(args: string[], file: string, line: number, warnings: string[]): SshGuard {
  const criteria: MatchCriterion[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const negate = word.startsWith('!');
    const attr = (negate ? word.slice(1) : word).toLowerCase();
    if (attr === 'all') { criteria.push({ attr: 'all', negate, patterns: [] }); continue; }
    if (attr === 'host' || attr === 'originalhost' || attr === 'user' || attr === 'localuser') {
      const list = args[++i];
      if (list === undefined) throw new SshConfigError(file, line, `Match ${attr} needs a pattern list`);
      criteria.push({ attr, negate, patterns: list.split(',') });
      continue;
    }
    warnings.push(UNSUPPORTED_MATCH.has(attr)
      ? `${file}:${line}: Match ${attr} is not supported here; the block is ignored`
      : `${file}:${line}: unknown Match criterion "${attr}"; the block is ignored`);
    return { kind: 'never' };
  }
  if (criteria.length === 0) throw new SshConfigError(file, line, 'Match needs at least one criterion (e.g. "Match all")');
  return { kind: 'match', criteria };
}

interface ParseState { cfg: SshConfig; depth: number; parentGuards: SshGuard[] }

function parseInto(text: string, file: string, st: ParseState): void {
  let current: SshGuard | null = null;
  st.cfg.files.push(file);
  text.split(/\r?\n/).forEach((rawLine, idx) => {
    const line = idx + 1;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const m = /^([^\s=]+)\s*(?:=\s*)?(.*)$/.exec(trimmed);
    const keyword = m?.[1] ?? '';
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(keyword)) throw new SshConfigError(file, line, `bad keyword "${keyword}"`);
    const key = keyword.toLowerCase();
    const args = splitArgs(m?.[2] ?? '', file, line);
    if (args.length === 0) throw new SshConfigError(file, line, `${keyword} needs a value`);
    const guards = current ? [...st.parentGuards, current] : st.parentGuards;
    if (key === 'host') {
      current = { kind: 'host', patterns: args };
      st.cfg.hosts.push({ patterns: args, file, line });
    } else if (key === 'match') {
      current = parseMatch(args, file, line, st.cfg.warnings);
    } else if (key === 'include') {
      if (st.depth >= MAX_INCLUDE_DEPTH) throw new SshConfigError(file, line, `Include nested deeper than ${MAX_INCLUDE_DEPTH} levels (a loop?)`);
      for (const arg of args) {
        const abs = expandTilde(arg, st.cfg.home);
        const pattern = path.isAbsolute(abs) ? abs : path.join(st.cfg.home, '.ssh', abs);
        const found = expandIncludeGlob(pattern);
        if (found.length === 0) st.cfg.warnings.push(`${file}:${line}: Include ${arg} matched no file`);
        for (const f of found) {
          let sub: string;
          try { sub = readFileSync(f, 'utf8'); } catch (e) {
            throw new SshConfigError(file, line, `cannot read Include file ${f}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
          }
          parseInto(sub, f, { cfg: st.cfg, depth: st.depth + 1, parentGuards: guards });
        }
      }
    } else {
      validateValue(key, args, file, line);
      st.cfg.options.push({ key, args, file, line, guards });
    }
  });
}

/** Parse ssh_config text. `file` is used for messages and Include bookkeeping only. */
export function parseSshConfig(text: string, file: string, opts: SshConfigOptions = {}): SshConfig {
  const cfg: SshConfig = { options: [], hosts: [], warnings: [], files: [], home: opts.home ?? os.homedir() };
  parseInto(text, file, { cfg, depth: 0, parentGuards: [] });
  return cfg;
}

/** Read and parse a config file (default ~/.ssh/config). A missing file is an empty config. */
export function loadSshConfig(file?: string, opts: SshConfigOptions = {}): SshConfig {
  const home = opts.home ?? os.homedir();
  const f = file ?? path.join(home, '.ssh', 'config');
  let text: string;
  try { text = readFileSync(f, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { options: [], hosts: [], warnings: [], files: [], home };
    throw new SshConfigError(f, 0, `cannot read: ${code ?? String(e)}`);
  }
  return parseSshConfig(text, f, { home });
}

function localUser(): string {
  try { return os.userInfo().username; } catch { return process.env.USER ?? 'root'; }
}

interface EvalCtx { alias: string; hostName: string; user: string }

function guardHolds(g: SshGuard, ctx: EvalCtx): boolean {
  if (g.kind === 'never') return false;
  if (g.kind === 'host') return matchPatternList(ctx.alias, g.patterns); // case-sensitive, as `ssh -G` shows
  return g.criteria.every((c) => {
    const subject = c.attr === 'host' ? ctx.hostName : c.attr === 'originalhost' ? ctx.alias
      : c.attr === 'user' ? ctx.user : localUser();
    const hit = c.attr === 'all' || matchPatternList(subject, c.patterns, c.attr === 'host' || c.attr === 'originalhost');
    return c.negate ? !hit : hit;
  });
}

/** Expand %-tokens; unknown tokens stay literal and are reported, rather than killing the lookup. */
function expandTokens(s: string, tokens: Record<string, string>, warnings: string[], where: string): string {
  return s.replace(/%(.)/g, (all, t: string) => {
    const v = tokens[t];
    if (v === undefined) { warnings.push(`${where}: unknown token %${t} left as is`); return all; }
    return v;
  });
}

/** Resolve the settings ssh would use for `alias` (what `ssh -G alias` prints), tokens expanded. */
export function resolveSshHost(cfg: SshConfig, alias: string, overrides: SshOverrides = {}): ResolvedHost {
  const warnings = [...cfg.warnings];
  const first = new Map<string, SshOption>();
  const identities: SshOption[] = [];
  const certificates: SshOption[] = [];
  const ctx: EvalCtx = { alias, hostName: (overrides.hostName ?? alias).toLowerCase(), user: overrides.user ?? localUser() };
  for (const opt of cfg.options) {
    if (!opt.guards.every((g) => guardHolds(g, ctx))) continue;
    if (ACCUMULATING.has(opt.key)) { (opt.key === 'identityfile' ? identities : certificates).push(opt); continue; }
    if (first.has(opt.key)) continue;
    first.set(opt.key, opt);
    // Later Match lines see what earlier lines set, as in OpenSSH's single pass.
    if (opt.key === 'hostname' && overrides.hostName === undefined) ctx.hostName = expandTokens(opt.args[0]!, { h: alias, '%': '%' }, warnings, `${opt.file}:${opt.line}`).toLowerCase();
    if (opt.key === 'user' && overrides.user === undefined) ctx.user = opt.args[0]!;
  }
  const arg = (k: string): string | undefined => first.get(k)?.args[0];
  const portText = arg('port');
  const port = overrides.port ?? (portText === undefined ? undefined : Number(portText));
  const user = overrides.user ?? arg('user');
  const tokens: Record<string, string> = {
    h: ctx.hostName, p: String(port ?? 22), r: user ?? localUser(), u: localUser(), d: cfg.home,
    n: alias, l: os.hostname().split('.')[0] ?? '', '%': '%',
  };
  const pathOf = (o: SshOption, a: string): string => expandTilde(expandTokens(a, tokens, warnings, `${o.file}:${o.line}`), cfg.home);
  const seconds = (k: string): number | undefined => { const v = arg(k); return v === undefined || v === 'none' ? undefined : parseTime(v); };
  // ProxyCommand and ProxyJump exclude each other; whichever was obtained first wins.
  const pc = first.get('proxycommand');
  const pj = first.get('proxyjump');
  const commandWins = pc !== undefined && (pj === undefined || cfg.options.indexOf(pc) < cfg.options.indexOf(pj));
  if (commandWins && pc.args[0] !== 'none') warnings.push(`${pc.file}:${pc.line}: ProxyCommand is not supported; use ProxyJump`);
  const jump = commandWins ? undefined : pj?.args[0];
  const khOpt = first.get('userknownhostsfile');
  const strict = arg('stricthostkeychecking')?.toLowerCase();
  const only = arg('identitiesonly')?.toLowerCase();
  const countMax = arg('serveralivecountmax');
  return {
    alias,
    hostName: ctx.hostName,
    ...(user !== undefined && { user }),
    ...(port !== undefined && { port }),
    identityFiles: identities.flatMap((o) => (o.args[0] === 'none' ? [] : [pathOf(o, o.args[0]!)])),
    certificateFiles: certificates.map((o) => pathOf(o, o.args[0]!)),
    proxyJump: jump === undefined || jump === 'none' ? [] : jump.split(',').filter((s) => s !== ''),
    ...(seconds('connecttimeout') !== undefined && { connectTimeoutSec: seconds('connecttimeout') }),
    ...(seconds('serveraliveinterval') !== undefined && { serverAliveIntervalSec: seconds('serveraliveinterval') }),
    ...(countMax !== undefined && { serverAliveCountMax: Number(countMax) }),
    userKnownHostsFiles: !khOpt || khOpt.args[0] === 'none' ? [] : khOpt.args.map((a) => pathOf(khOpt, a)),
    ...(strict !== undefined && { strictHostKeyChecking: strict === 'off' || strict === 'false' ? 'no' : strict === 'true' ? 'yes' : (strict as 'yes' | 'no' | 'accept-new' | 'ask') }),
    ...(only !== undefined && { identitiesOnly: only === 'yes' || only === 'true' }),
    warnings,
  };
}

/** Aliases from Host lines that name one host (no `*`, `?` or `!`), in file order, without repeats. */
export function listConcreteHosts(cfg: SshConfig): string[] {
  const out = new Set<string>();
  for (const h of cfg.hosts) for (const p of h.patterns) if (!/[*?!,]/.test(p)) out.add(p);
  return [...out];
}

/** A ProxyJump hop: `[user@]host[:port]`, `[user@][v6addr][:port]` or `ssh://[user@]host[:port]`. */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  const fail = (why: string): never => { throw new SshConfigError('ProxyJump', 0, `"${spec}": ${why}`); };
  let s = spec.startsWith('ssh://') ? spec.slice('ssh://'.length).replace(/\/$/, '') : spec;
  if (s === '' || /[\s,]/.test(s)) fail('expected [user@]host[:port]');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) { user = s.slice(0, at); s = s.slice(at + 1); if (user === '') fail('empty user'); }
  let host = s;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) fail('missing "]"');
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest !== '') { if (!rest.startsWith(':')) fail('junk after "]"'); portText = rest.slice(1); }
  } else if (s.split(':').length === 2) {
    [host, portText] = s.split(':') as [string, string];
  } // more than one ':' without brackets: a bare IPv6 address, no port
  if (host === '' || host.startsWith('-')) fail('bad host name');
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) fail('port must be 1-65535');
  }
  return { ...(user !== undefined && { user }), host, ...(port !== undefined && { port }) };
}
