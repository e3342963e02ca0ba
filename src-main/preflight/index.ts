/** The folder's only way in from other folders. */
export { FACTS_SCRIPT, parseFacts, type NodeFacts } from './facts.js';
export { runPreflight, type PreflightReport } from './preflight.js';
