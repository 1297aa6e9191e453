package io.hearsay.channels.common;

import io.hearsay.protocol.Rejection;

/** Where a channel's refusals are counted and logged (the peer's rejection log). */
@FunctionalInterface
public interface RejectionSink {
  void reject(Rejection rejection, String peer);
}
