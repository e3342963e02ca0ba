/** Public entry of the inventory module: load, select, resolve to ConnectSpecs, import, write. */
export { parseInventory } from './load.js';
export { loadInventory, readInventoryText, inventoryFormat, type InventoryFormat } from './read.js';
export { InventoryError, formatProblem, type InventoryProblem } from './errors.js';
export { selectNodes, parseSelector, SelectorError, type SelectorErrorCode } from './selectors.js';
export { selectTargets, sharedSelector, type TargetSelection } from './shared-selection.js';
export { toConnectSpec, inventorySshOptions, type ConnectSpecOptions, type InventorySshOptions } from './resolve.js';
export { probeHosts } from './probe-hosts.js';
export { importFromSshConfig } from './import-ssh-config.js';
export { importAnsible, importAnsibleDetailed, importAnsibleText, AnsibleImportError, type AnsibleImport } from './import-ansible.js';
export { stringifyInventory } from './stringify.js';
export {
  inventorySchema,
  ENVS,
  GPUS,
  type Inventory,
  type InventoryDoc,
  type InventoryNode,
  type InventorySsh,
  type NodeDoc,
  type Env,
  type Gpu,
} from './schema.js';
export { didYouMean } from './suggest.js';
export { Locator } from './positions.js';
export { K8sSelectorError, isK8sSelector, chaosSelector, labelSelectorQuery, parseK8sSelector, type K8sSelector } from './k8s-selector.js';
export { DEFAULT_PROTECTED_NAMESPACES, type KubernetesSettings } from './k8s-settings.js';
