/**
 * The per-channel block store: append with Fabric's hash rules, range reads for state transfer,
 * Fabric block-file import and export, and the world state. Built by the ledger issue; the module
 * exists now so the reactor has its final shape and dependencies point one way.
 */
package io.hearsay.ledger;
