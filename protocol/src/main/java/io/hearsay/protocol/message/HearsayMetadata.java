package io.hearsay.protocol.message;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a Hearsay peer says of itself in its alive message's {@code Member.metadata}, which Fabric
 * peers carry along signed and do not read: {@code hearsay/1 artery=HOST:PORT}, the Artery address
 * other Hearsay peers reach it at. A member whose metadata is not this is a Fabric peer (or a
 * Hearsay peer without Fabric's transport, whose gossip endpoint is its Artery address).
 */
public final class HearsayMetadata {

  private static final String PREFIX = "hearsay/1 artery=";

  private HearsayMetadata() {}

  /** The metadata of a peer reachable over Artery at {@code hostPort}. */
  public static ByteString artery(String hostPort) {
    return ByteString.copyFrom(PREFIX + hostPort, StandardCharsets.UTF_8);
  }

  /** The Artery address {@code metadata} announces; empty when it is not Hearsay's. */
  public static Optional<String> arteryOf(ByteString metadata) {
    String text = metadata.toString(StandardCharsets.UTF_8);
    return text.startsWith(PREFIX) && text.length() > PREFIX.length()
        ? Optional.of(text.substring(PREFIX.length())) : Optional.empty();
  }
}
