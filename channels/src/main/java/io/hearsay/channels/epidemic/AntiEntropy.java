package io.hearsay.channels.epidemic;

/**
 * One anti-entropy round (Demers et al., "Epidemic algorithms for replicated database
 * maintenance"): initiator A reconciles everything with partner B, in one of three exchanges.
 *
 * <pre>
 * PUSH       A → B  (key, value, version) of what A holds newer than B's digest     1 message
 * PULL       A → B  (key, version) digest;  B → A  what B holds newer               2 messages
 * PUSH_PULL  as PULL, B's answer carries B's digest;  A → B  what A holds newer      3 messages
 * </pre>
 *
 * PUSH assumes A knows B's digest from an earlier exchange (the round's cost is its one message).
 * Anti-entropy is SI: a replica never stops, so every update reaches everyone; with pull the
 * fraction still lacking an update shrinks as p(i+1) = p(i)^2 once most have it. Membership and
 * StateInfo run their rounds in one of these modes; the model of them (replicas, rounds) is in
 * the testkit.
 */
public final class AntiEntropy {

  /** The exchange of one round. */
  public enum Mode { PUSH, PULL, PUSH_PULL }

  private AntiEntropy() {}
}
