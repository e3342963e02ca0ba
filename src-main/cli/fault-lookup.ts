/** A fault module by the id the user typed, with a did-you-mean like selectors give. */
import { getFault, listFaults } from '../faults/index.js';
import type { FaultModule } from '../faults/index.js';
import { didYouMean } from '../inventory/index.js';
import { CliError, EXIT } from './exit-codes.js';

/** The module for `id`, or exit 3 with the closest names (or where to see them all). */
export function lookupFault(id: string): FaultModule<unknown> {
  try {
    return getFault(id);
  } catch {
    const near = didYouMean(id, listFaults().map((m) => m.id));
    throw new CliError(`unknown fault "${id}"`, EXIT.INVALID_INPUT, near ? `${near} (all faults: \`gameday faults\`)` : 'list the faults with `gameday faults`');
  }
}
