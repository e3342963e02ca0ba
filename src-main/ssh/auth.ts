import { readFileSync, existsSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { SecretPrompts } from './types.js';

const { utils } = ssh2;

type ParsedKey = ReturnType<typeof utils.parseKey>;

/** One authentication attempt, in the order OpenSSH would try them. */
export type AuthStep =
  | { kind: 'agent'; label: string; socket: string }
  | { kind: 'key'; label: string; file: string }
  | { kind: 'password'; label: string };

/** Build the attempt list: agent first (like OpenSSH), then each identity file that exists, then password. */
export function planAuth(identityFiles: string[], agent: string | undefined, prompts: SecretPrompts): AuthStep[] {
  const steps: AuthStep[] = [];
  if (agent) steps.push({ kind: 'agent', label: 'agent', socket: agent });
  for (const file of identityFiles) if (existsSync(file)) steps.push({ kind: 'key', label: `publickey ${file}`, file });
  if (prompts.password) steps.push({ kind: 'password', label: 'password' });
  return steps;
}

/**
 * Load a private key, asking for a passphrase through the callback when it is encrypted. Returns
 * undefined (skip this key) when the file cannot be parsed or no passphrase is given; the reason is
 * pushed to `notes` so the final AUTH_FAILED message can say why a key was not used.
 */
export async function loadKey(file: string, prompts: SecretPrompts, notes: string[]): Promise<ParsedKey | undefined> {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    notes.push(`${file}: cannot read (${(e as Error).message})`);
    return undefined;
  }
  let key = utils.parseKey(data);
  if (key instanceof Error && /passphrase|encrypted/i.test(key.message)) {
    const pass = prompts.passphrase ? await prompts.passphrase(file) : undefined;
    if (pass === undefined) {
      notes.push(`${file}: encrypted and no passphrase was given`);
      return undefined;
    }
    key = utils.parseKey(data, pass);
    if (key instanceof Error) {
      notes.push(`${file}: wrong passphrase`);
      return undefined;
    }
  }
  if (key instanceof Error) {
    notes.push(`${file}: not a private key ssh2 can read (${key.message})`);
    return undefined;
  }
  return Array.isArray(key) ? key[0] : key;
}
