/**
 * A display model of a runbook, read leniently from the YAML text the editor holds (the engine
 * validates; this only draws). Unknown shapes are shown as text rather than hidden.
 */
import { parse } from 'yaml';

export interface RunbookStep {
  id: string;
  kind: string;
  title: string;
  detail: string[];
  risky: boolean;
}
export interface RunbookPhase {
  id: string;
  title: string;
  duration?: string;
  steps: RunbookStep[];
}
export interface RunbookModel {
  title: string;
  description?: string;
  hypothesis?: string;
  environment?: string;
  roles: Array<[string, string]>;
  targets: Array<[string, string]>;
  probes: Array<{ id: string; kind: string; target: string; interval: string; title: string }>;
  slos: Array<[string, string]>;
  aborts: string[];
  phases: RunbookPhase[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Step kinds that change nodes: marked so the room sees where the risk is. */
const RISKY_KINDS = new Set(['inject', 'exec', 'command']);

function stepOf(s: unknown, i: number): RunbookStep {
  if (!isObj(s)) return { id: `#${i + 1}`, kind: '?', title: str(s), detail: [], risky: false };
  const kind = str(s.kind) || '?';
  const detail: string[] = [];
  if (s.fault) detail.push(`fault ${str(s.fault)}${s.intensity ? ` (${str(s.intensity)})` : ''}`);
  if (s.target) detail.push(`on ${str(s.target)}`);
  if (s.duration) detail.push(`for ${str(s.duration)}`);
  if (s.params) detail.push(`params ${str(s.params)}`);
  if (s.probe) detail.push(`probe ${str(s.probe)}${s.expect ? ` ${str(s.expect)}` : ''}${s.within ? ` within ${str(s.within)}` : ''}`);
  if (s.approvers) detail.push(`approvers ${list(s.approvers).map(str).join(', ')}`);
  if (s.step) detail.push(`of step ${str(s.step)}`);
  if (s.command) detail.push(`$ ${str(s.command)}`);
  if (Array.isArray(s.checklist)) detail.push(...s.checklist.map((c) => `☐ ${str(c)}`));
  const fallback = kind === 'inject' ? `Inject ${str(s.fault)}` : kind === 'revert' ? `Revert ${str(s.step)}` : kind === 'wait' ? `Wait ${str(s.duration)}` : kind;
  return { id: str(s.id) || `#${i + 1}`, kind, title: str(s.title) || str(s.text) || str(s.prompt) || fallback, detail, risky: RISKY_KINDS.has(kind) || str(s.risk) === 'high' };
}

/** Parse; null when the YAML does not parse at all (the problems list says why). */
export function runbookModel(text: string): RunbookModel | null {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    return null;
  }
  if (!isObj(doc)) return null;
  const roles = isObj(doc.roles) ? Object.entries(doc.roles).map(([k, v]): [string, string] => [k, Array.isArray(v) ? v.map(str).join(', ') : str(v)]) : [];
  const targets = isObj(doc.targets) ? Object.entries(doc.targets).map(([k, v]): [string, string] => [k, isObj(v) ? `${str(v.selector)}${v.maxNodes ? ` (max ${str(v.maxNodes)})` : ''}` : str(v)]) : [];
  const slos = isObj(doc.slos) ? Object.entries(doc.slos).map(([k, v]): [string, string] => [k, isObj(v) ? Object.entries(v).map(([a, b]) => `${a} ${str(b)}`).join(' · ') : str(v)]) : [];
  return {
    title: str(doc.title) || '(untitled)',
    description: doc.description ? str(doc.description) : undefined,
    hypothesis: doc.hypothesis ? str(doc.hypothesis) : undefined,
    environment: doc.environment ? str(doc.environment) : undefined,
    roles,
    targets,
    probes: list(doc.probes).filter(isObj).map((p) => ({ id: str(p.id), kind: str(p.kind), target: str(p.target), interval: str(p.interval), title: str(p.title) })),
    slos,
    aborts: list(doc.abort).map((a) => (isObj(a) ? Object.entries(a).map(([k, v]) => `${k} ${str(v)}`).join(', ') : str(a))),
    phases: list(doc.phases)
      .filter(isObj)
      .map((p) => ({ id: str(p.id), title: str(p.title) || str(p.id), duration: p.duration ? str(p.duration) : undefined, steps: list(p.steps).map(stepOf) })),
  };
}
