/**
 * Everything scoped to one channel: config from a Fabric config block, StateInfo, push, the pull
 * mediator, anti-entropy state transfer and per-org leader election. Built by the channels issue;
 * the module exists now so the reactor has its final shape and dependencies point one way.
 */
package io.hearsay.channels;
