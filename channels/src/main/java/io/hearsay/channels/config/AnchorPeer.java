package io.hearsay.channels.config;

/** An anchor peer of an org in a channel config: the peer other orgs dial to reach the org. */
public record AnchorPeer(String host, int port) {

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
