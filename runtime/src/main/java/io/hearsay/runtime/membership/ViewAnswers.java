package io.hearsay.runtime.membership;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * What this peer shows of its view: its alive message and the alive and dead peers it holds, as far
 * as a request's known list asks ({@link KnownList}) and the requester's org may see them
 * ({@link DisclosurePolicy}), and the summary of its view that a check compares.
 */
final class ViewAnswers {

  private final AliveTable table;
  private final DisclosurePolicy disclosure;
  private final PkiId self;
  private final String mspId;
  private final boolean external;
  /** Summaries per org asking, as of the table's {@link #summariesVersion}. */
  private final Map<String, ByteString> summaries = new HashMap<>();
  private long summariesVersion = -1;

  ViewAnswers(AliveTable table, DisclosurePolicy disclosure, PkiId self, String mspId, boolean hasExternalEndpoint) {
    this.table = table;
    this.disclosure = disclosure;
    this.self = self;
    this.mspId = mspId;
    this.external = hasExternalEndpoint;
  }

  /** The answer to a membership request from a peer of {@code requesterMsp} naming {@code known}. */
  GossipMessage answer(SignedGossipMessage selfAlive, String requesterMsp, List<ByteString> known) {
    Optional<ByteString> check = KnownList.checked(known);
    if (check.isEmpty()) {
      return view(selfAlive, requesterMsp, Map.of(), KnownList.parse(known));
    }
    // A check: nothing when the views are the same; else this peer's alive message, which asks for
    // the requester's digest.
    return GossipMessages.membershipResponse(check.get().equals(summary(requesterMsp)) ? List.of()
        : List.of(disclosure.disclosed(selfAlive, requesterMsp)), List.of());
  }

  /**
   * The view as a membership response, in the form a peer of {@code toMsp} may see: this peer, the
   * alive and the dead, as far as {@code ask} shows them, leaving out what {@code theirs} (alive
   * timestamps by PKI-ID) already holds as new.
   */
  GossipMessage view(SignedGossipMessage selfAlive, String toMsp, Map<PkiId, PeerTime> theirs, KnownList.Ask ask) {
    List<Envelope> alives = new ArrayList<>();
    if (DisclosurePolicy.lacks(theirs, selfAlive) && ask.shows(self, true)) {
      alives.add(disclosure.disclosed(selfAlive, toMsp));
    }
    alives.addAll(disclosure.shown(shown(table.aliveMessages(true), ask, true), toMsp, theirs));
    return GossipMessages.membershipResponse(alives,
        disclosure.shown(shown(table.aliveMessages(false), ask, false), toMsp, theirs));
  }

  private static List<SignedGossipMessage> shown(List<SignedGossipMessage> messages, KnownList.Ask ask, boolean alive) {
    return ask == KnownList.WHOLE_VIEW ? messages
        : messages.stream().filter(m -> ask.shows(m.signer().pkiId(), alive)).toList();
  }

  /**
   * The summary of the peers this one holds alive, itself among them, over those a peer of
   * {@code org} sees too: its org's and those with an external endpoint (a peer without one is
   * invisible to other orgs, so two orgs' views differ by them always).
   */
  ByteString summary(String org) {
    if (summariesVersion != table.version()) {
      summaries.clear();
      summariesVersion = table.version();
    }
    return summaries.computeIfAbsent(org, o -> {
      List<PkiId> seen = new ArrayList<>();
      table.aliveMembers().stream().filter(m -> m.mspId().equals(o) || m.externalEndpoint().isPresent())
          .forEach(m -> seen.add(m.pkiId()));
      if (mspId.equals(o) || external) {
        seen.add(self);
      }
      return KnownList.summary(seen);
    });
  }
}
