package io.hearsay.channels.common;

/** How a block reached a channel. */
public enum ArrivalPath {
  /** From the channel's source: the ordering service, through the org's leader. */
  SOURCE("source"),
  /** Pushed by a peer of the org (Fabric's push, or Plumtree's tree and grafts). */
  PUSH("push"),
  /** Pulled (Hello, digest, request, response). */
  PULL("pull"),
  /** By state transfer (anti-entropy). */
  STATE_TRANSFER("state");

  private final String label;

  ArrivalPath(String label) {
    this.label = label;
  }

  /** The short name reports use. */
  public String label() {
    return label;
  }
}
