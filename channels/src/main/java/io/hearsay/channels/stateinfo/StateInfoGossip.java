package io.hearsay.channels.stateinfo;

import io.hearsay.channels.epidemic.RumorMongering;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * One peer's side of a channel's StateInfo, the messages that prove channel membership and
 * announce ledger heights: publishing its own when its height changes (to every proven member, or
 * as a rumor), taking in others' (one by one, or in a snapshot answering a StateInfo pull), and
 * answering StateInfo pull requests, which prove their sender's membership by the channel MAC.
 * Plain state; the channel actor sends what it is handed through {@link Outbox}.
 */
public final class StateInfoGossip {

  /** What StateInfo gossip needs from the channel actor. */
  public interface Outbox {
    /** Sends an envelope as it is (StateInfo is relayed with its author's signature). */
    void send(PkiId to, Envelope envelope);

    void reject(Rejection rejection, PkiId from);

    /** The peers alive in membership, of any org. */
    Collection<PkiId> alive();
  }

  private final String channel;
  private final EnvelopeSigner signer;
  private final EnvelopeVerifier verifier;
  private final long incarnation;
  private final Optional<RumorMongering<PkiId>> rumors;
  private final SplittableRandom random;
  private final Outbox outbox;
  private final StateInfoTable table;
  /** Peers that proved membership by a StateInfo pull request carrying the channel MAC. */
  private final Set<PkiId> provenByMac = new HashSet<>();
  /** Peers our current StateInfo went to, so it precedes our first message to the others. */
  private final Set<PkiId> haveOurs = new HashSet<>();
  private Envelope ours;
  private long sequence;
  private long publishedHeight = -1;

  public StateInfoGossip(String channel, Set<String> channelOrgs, EnvelopeSigner signer, EnvelopeVerifier verifier,
      long incarnation, Optional<RumorMongering.Settings> rumor, SplittableRandom random, Outbox outbox) {
    this.channel = channel;
    this.signer = signer;
    this.verifier = verifier;
    this.incarnation = incarnation;
    this.random = random;
    this.outbox = outbox;
    this.table = new StateInfoTable(channel, channelOrgs);
    this.rumors = rumor.map(r -> new RumorMongering<>(r, random));
  }

  /** The latest StateInfo of every member: heights, and who is in the channel. */
  public StateInfoTable table() {
    return table;
  }

  /** Whether {@code peer} proved membership of the channel, by its StateInfo or the channel MAC. */
  public boolean isProvenMember(PkiId peer) {
    return table.isMember(peer) || provenByMac.contains(peer);
  }

  /** The alive peers that proved membership. */
  public List<PkiId> provenMembersAlive() {
    return outbox.alive().stream().filter(this::isProvenMember).toList();
  }

  /** Membership changed: what is known of peers no longer alive is forgotten. */
  public void retainOnly(Set<PkiId> alive) {
    table.retainOnly(alive);
    provenByMac.retainAll(alive);
  }

  /** A verified StateInfo from {@code from} (its author, or a peer relaying it). */
  public void onStateInfo(SignedGossipMessage message, PkiId from) {
    StateInfoTable.Outcome outcome = table.onStateInfo(message);
    if (outcome instanceof StateInfoTable.Refused refused) {
      outbox.reject(refused.rejection(), from);
    } else if (outcome instanceof StateInfoTable.Updated updated && rumors.isPresent()) {
      spreadRumor(updated.entry().pkiId(), message.envelope(), new HashSet<>(List.of(from, updated.entry().pkiId())));
    }
  }

  /** The elements of a StateInfo snapshot, each verified on its own (they are others' messages). */
  public void onSnapshot(List<Envelope> elements, PkiId from) {
    for (Envelope element : elements) {
      Verdict<SignedGossipMessage> verdict = verifier.verify(element, Optional.empty(), Instant.now());
      if (!verdict.isAccepted()) {
        outbox.reject(verdict.rejection(), from);
      } else if (verdict.value().message().hasStateInfo()
          && !verdict.value().signer().pkiId().equals(signer.self().pkiId())) {
        onStateInfo(verdict.value(), from);
      }
    }
  }

  /**
   * A StateInfo pull request: the snapshot to answer it with, or empty (a counted rejection) when
   * its channel MAC is not this channel's for its sender.
   */
  public Optional<GossipMessage> onPullRequest(GossipMessage request, PkiId from) {
    if (!request.getStateInfoPullReq().getChannelMAC().equals(GossipMessages.channelMac(from, channel))) {
      outbox.reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL, "StateInfo pull request from %s for another channel",
          from), from);
      return Optional.empty();
    }
    provenByMac.add(from);
    List<Envelope> elements = new ArrayList<>();
    if (ours != null) {
      elements.add(ours);
    }
    table.entries().forEach(e -> elements.add(e.message().envelope()));
    return Optional.of(GossipMessages.stateInfoSnapshot(channel, elements));
  }

  /** Publishes this peer's ledger height if it changed since the last StateInfo. */
  public void publish(long height) {
    if (height < 0 || height == publishedHeight) {
      return;
    }
    publishedHeight = height;
    ours = signer.sign(GossipMessages.stateInfo(signer.self().pkiId(), channel,
        PeerTimes.of(incarnation, ++sequence), height)).envelope();
    haveOurs.clear();
    if (rumors.isPresent()) {
      spreadRumor(signer.self().pkiId(), ours, Set.of());
      return;
    }
    for (PkiId member : provenMembersAlive()) {
      outbox.send(member, ours);
      haveOurs.add(member);
    }
  }

  /**
   * Called before any channel message to {@code to}: our StateInfo goes first, once per StateInfo
   * we publish, so the receiver can tell we are in the channel before the message arrives.
   * Membership proofs are otherwise one-sided for a while, and a block from a peer not yet known as
   * a member is refused.
   */
  public void introduceTo(PkiId to) {
    if (ours != null && haveOurs.add(to)) {
      outbox.send(to, ours);
    }
  }

  /**
   * Pushes a new StateInfo to random proven members until rumor mongering loses interest in it
   * (blind: every contact counts, as Fabric's StateInfo has no answer that would tell).
   */
  private void spreadRumor(PkiId subject, Envelope stateInfo, Set<PkiId> exclude) {
    RumorMongering<PkiId> rumor = rumors.orElseThrow();
    rumor.learned(subject);
    List<PkiId> targets = new ArrayList<>(provenMembersAlive());
    targets.removeAll(exclude);
    Collections.shuffle(targets, new Random(random.nextLong()));
    for (PkiId target : targets) {
      if (!rumor.isHot(subject)) {
        break;
      }
      outbox.send(target, stateInfo);
      if (subject.equals(signer.self().pkiId())) {
        haveOurs.add(target);
      }
      rumor.pushed(subject, false);
    }
  }
}
