/**
 * Exit codes the CLI decides itself. Every domain error takes its code from `ERROR_TABLE`
 * (2 invalid input, 3 not found, 4 conflict, 5 access, 6 unavailable); these are the rest.
 */
export const EXIT_OK = 0;
/** Anything unexpected: a bug, a crashed database, a full disk. */
export const EXIT_UNEXPECTED = 1;
/** The command line itself is wrong (unknown command or option, bad argument). */
export const EXIT_USAGE = 2;
/**
 * `audit verify` found the hash chain broken. Kept apart from the error table's codes because
 * the command worked: what it reports is that the log was altered, and scripts and monitors
 * must be able to tell that from "could not check".
 */
export const EXIT_CHAIN_BROKEN = 10;
