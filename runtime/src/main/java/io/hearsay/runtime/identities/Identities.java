package io.hearsay.runtime.identities;

import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.LoggerFactory;

/**
 * The identity store: PKI-ID to certificate, validated by the MSPs of known orgs. Comm and
 * membership learn identities through the shared {@link IdentityMapper} as envelopes are
 * verified (a lookup per message must not cost an actor round trip); this actor owns its upkeep,
 * forgetting identities whose certificates expired, and answers lookups from other actors.
 */
public final class Identities {

  public sealed interface Command permits Lookup, Purge {}

  public record Lookup(PkiId pkiId, ActorRef<Optional<PeerIdentity>> replyTo) implements Command {}

  private enum Purge implements Command { INSTANCE }

  private Identities() {}

  public static Behavior<Command> create(IdentityMapper identities, Duration purgeInterval) {
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Purge.INSTANCE, purgeInterval);
      return Behaviors.receive(Command.class)
          .onMessage(Lookup.class, lookup -> {
            lookup.replyTo().tell(identities.find(lookup.pkiId()));
            return Behaviors.same();
          })
          .onMessage(Purge.class, purge -> {
            int dropped = identities.purgeExpired(Instant.now());
            if (dropped > 0) {
              LoggerFactory.getLogger(Identities.class)
                  .info("forgot {} identities whose certificates expired", dropped);
            }
            return Behaviors.same();
          })
          .build();
    });
  }
}
