/**
 * Shell values, pure and low: POSIX sh quoting and the `Shell` type that only quoted text can
 * become. Faults, probes, preflight and the SSH layer build commands from these; nothing here
 * knows about SSH or any node.
 */
export { argv, sh, Shell, shq } from './quote.js';
