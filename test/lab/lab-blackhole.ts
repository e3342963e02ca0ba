/**
 * Simulate a dead link: drop every packet between the controller and one node. The rules live in
 * the node's own namespace (so they vanish with it) at the top of INPUT/OUTPUT (so they win over
 * any ACCEPT a fault under test may add), tagged with a comment so `off` removes exactly them.
 * DROP, not REJECT: a dead link answers nothing, and clients must time out as they would in real life.
 */
import { assertRoot, run } from '../../src-main/lab/netns/exec.js';
import { HOST_OCTET, INNER_NET } from '../../src-main/lab/netns/plan.js';
import { LabError, type LabInfo } from '../../src-main/lab/index.js';

/** Comment carried by the lab's blackhole rules. */
export function blackholeTag(labId: string): string {
  return `gameday-lab-${labId}-blackhole`;
}

/** The address the node talks to the controller through: the host, or the bastion for inner nodes. */
function peerIp(lab: LabInfo, behindBastion: boolean): string {
  if (!behindBastion) return lab.hostIp;
  const octet = lab.innerSubnet.split('.')[2];
  return `${INNER_NET}.${octet}.${HOST_OCTET}`;
}

function ruleSpecs(peer: string, tag: string): Array<[chain: string, args: string[]]> {
  const common = ['-m', 'comment', '--comment', tag, '-j', 'DROP'];
  return [
    ['INPUT', ['-s', `${peer}/32`, ...common]],
    ['OUTPUT', ['-d', `${peer}/32`, ...common]],
  ];
}

/**
 * Turn the blackhole for `nodeName` on or off. Idempotent both ways. For an inner node the cut is
 * between it and the bastion, which is its only path to the controller.
 */
export async function labBlackhole(lab: LabInfo, nodeName: string, on: boolean): Promise<void> {
  assertRoot();
  const node = lab.nodes.find((n) => n.name === nodeName);
  if (!node) throw new LabError('NOT_FOUND', `lab ${lab.id} has no node ${nodeName}`);
  const ipt = (args: string[], allowFail = false) =>
    // -w: the xtables lock is host-wide, shared by every namespace; wait rather than fail.
    run('ip', ['netns', 'exec', node.ns, 'iptables', '-w', ...args], { allowFail });
  for (const [chain, spec] of ruleSpecs(peerIp(lab, node.behindBastion ?? false), blackholeTag(lab.id))) {
    // Delete every copy first, so `on` twice leaves one rule and `off` leaves none.
    while ((await ipt(['-D', chain, ...spec], true)).code === 0);
    if (on) await ipt(['-I', chain, '1', ...spec]);
  }
}
