/** Public entry of src-main/preflight: what a node has (facts, tools, kernel features) before a fault is sent to it. */
export { FACTS_SCRIPT, parseFacts, type NodeFacts } from './facts.js';
export { runPreflight, type PreflightReport } from './preflight.js';
