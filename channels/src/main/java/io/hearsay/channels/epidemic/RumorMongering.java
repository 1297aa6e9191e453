package io.hearsay.channels.epidemic;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Rumor mongering (SIR, Demers et al.): a peer spreads only the updates that are "hot" for it
 * and loses interest in one after unnecessary contacts.
 *
 * <pre>
 * learned(u)              u becomes hot (a new update, local or received)
 * pushed(u, peerKnewIt)   the contact was unnecessary when the peer already knew u (FEEDBACK),
 *                         or always (BLIND); on an unnecessary contact:
 *                           COUNTER  u stops being hot after k of them
 *                           COIN     u stops being hot with probability 1/k
 * </pre>
 *
 * With push, feedback and a counter, the fraction of peers an update never reaches is about
 * s = e^{-(k+1)(1-s)}; it never becomes zero, which is why anti-entropy backs it up.
 *
 * @param <K> the key of the versioned data (an update is identified by its key and version)
 */
public final class RumorMongering<K> {

  /** Whether a contact counts as unnecessary only when the peer already knew the update. */
  public enum Feedback { BLIND, FEEDBACK }

  /** How interest is lost on an unnecessary contact. */
  public enum Loss { COUNTER, COIN }

  /** Rumor mongering's parameters: k, and how a contact counts and interest is lost. */
  public record Settings(int k, Feedback feedback, Loss loss) {
    public Settings {
      if (k < 1) {
        throw new IllegalArgumentException("k must be at least 1, not " + k);
      }
    }
  }

  private final int k;
  private final Feedback feedback;
  private final Loss loss;
  private final SplittableRandom random;
  private final Map<K, Integer> hot = new HashMap<>();

  public RumorMongering(Settings settings, SplittableRandom random) {
    this(settings.k(), settings.feedback(), settings.loss(), random);
  }

  public RumorMongering(int k, Feedback feedback, Loss loss, SplittableRandom random) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, not " + k);
    }
    this.k = k;
    this.feedback = feedback;
    this.loss = loss;
    this.random = random;
  }

  /** An update this peer just learned (or made) becomes hot. */
  public void learned(K key) {
    hot.put(key, 0);
  }

  /** The updates this peer still spreads. */
  public Set<K> hot() {
    return Set.copyOf(hot.keySet());
  }

  public boolean isHot(K key) {
    return hot.containsKey(key);
  }

  public boolean isActive() {
    return !hot.isEmpty();
  }

  /** This peer pushed {@code key} to a peer, which already knew it or not. */
  public void pushed(K key, boolean peerKnewIt) {
    Integer contacts = hot.get(key);
    if (contacts == null || (feedback == Feedback.FEEDBACK && !peerKnewIt)) {
      return;
    }
    boolean loseInterest = switch (loss) {
      case COUNTER -> contacts + 1 >= k;
      case COIN -> random.nextInt(k) == 0;
    };
    if (loseInterest) {
      hot.remove(key);
    } else {
      hot.put(key, contacts + 1);
    }
  }
}
