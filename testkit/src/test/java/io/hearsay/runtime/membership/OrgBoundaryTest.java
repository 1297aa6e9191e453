package io.hearsay.runtime.membership;

import static io.hearsay.testkit.TestNetwork.awaitViews;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Two orgs of four peers; peers 0 and 1 of each org have external endpoints, and peer 0 of each
 * org is the other org's anchor peer.
 */
class OrgBoundaryTest {

  private final TestNetwork network = new TestNetwork(2, 4);

  @AfterEach
  void stop() {
    network.close();
  }

  @Test
  void internalEndpointsNeverCrossOrgsAndPeersWithoutExternalEndpointsStayHidden() {
    Map<Integer, Endpoint> anchors = Map.of(1, new Endpoint("127.0.0.1", TestNetwork.freePort()),
        2, new Endpoint("127.0.0.1", TestNetwork.freePort()));
    Map<Integer, List<HearsayPeer>> byOrg = new HashMap<>();
    for (int org = 1; org <= 2; org++) {
      int otherOrg = 3 - org;
      List<HearsayPeer> peers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Map<String, Object> overrides = new HashMap<>();
        if (i < 2) {
          Endpoint endpoint = i == 0 ? anchors.get(org) : new Endpoint("127.0.0.1", TestNetwork.freePort());
          overrides.put("peer.gossip.endpoint", endpoint.toString());
          overrides.put("peer.gossip.externalEndpoint", endpoint.toString());
        }
        var config = network.config(org, i, i == 0 ? List.of() : List.of(anchors.get(org)), overrides);
        peers.add(network.start(withAnchor(config, otherOrg, anchors.get(otherOrg))));
      }
      byOrg.put(org, peers);
    }
    List<HearsayPeer> org1 = byOrg.get(1);
    List<HearsayPeer> org2 = byOrg.get(2);
    List<HearsayPeer> all = new ArrayList<>(org1);
    all.addAll(org2);

    // Peers with external endpoints see each other across orgs; everyone sees its own org.
    awaitViews(org1, Duration.ofSeconds(30), "org 1 sees its org", pv -> pv.seesAlive(org1) && boundaryHolds(pv, org1));
    awaitViews(org2, Duration.ofSeconds(30), "org 2 sees its org", pv -> pv.seesAlive(org2) && boundaryHolds(pv, org2));
    List<HearsayPeer> external = List.of(org1.get(0), org1.get(1), org2.get(0), org2.get(1));
    awaitViews(external, Duration.ofSeconds(30), "external peers see each other across orgs",
        pv -> pv.seesAlive(external) && boundaryHolds(pv, pv.peer().mspId().equals("Org1MSP") ? org1 : org2));
    // Checked at every poll above, and once more on every peer at the end.
    awaitViews(all, Duration.ofSeconds(5), "org boundaries hold",
        pv -> boundaryHolds(pv, pv.peer().mspId().equals("Org1MSP") ? org1 : org2));
  }

  @Test
  void bootstrapPeerOfAnotherOrgIsRefused() {
    HearsayPeer org1Peer = network.start(1, 0, List.of());
    HearsayPeer org2Peer = network.start(2, 0, List.of(org1Peer.endpoint()));

    awaitViews(List.of(org2Peer), Duration.ofSeconds(15), "the foreign bootstrap peer was refused",
        pv -> pv.peer().rejections().getOrDefault(RejectionReason.FOREIGN_BOOTSTRAP_PEER, 0L) == 1);
    // Without external endpoints neither peer ever enters the other's view, alive or dead.
    for (HearsayPeer peer : List.of(org1Peer, org2Peer)) {
      MembershipView view = TestNetwork.view(peer);
      Assertions.assertTrue(view.alive().isEmpty() && view.dead().isEmpty(), view.toString());
    }
  }

  /** No member of another org with an internal endpoint, and none without an external endpoint. */
  private static boolean boundaryHolds(TestNetwork.PeerView pv, List<HearsayPeer> ownOrg) {
    Set<Object> own = ownOrg.stream().map(HearsayPeer::pkiId).collect(Collectors.toSet());
    List<MemberInfo> members = new ArrayList<>(pv.view().alive());
    members.addAll(pv.view().dead());
    for (MemberInfo m : members) {
      if (!own.contains(m.pkiId()) && (m.internalEndpoint().isPresent() || m.externalEndpoint().isEmpty())) {
        throw new AssertionError(pv.peer().endpoint() + " of " + pv.peer().mspId() + " learned " + m);
      }
    }
    return true;
  }

  private Config withAnchor(Config config, int org, Endpoint anchor) {
    String mspId = "Org" + org + "MSP";
    var material = network.material();
    String dir = material.orgDir(material.org(mspId)).resolve("msp").toString();
    return ConfigFactory.parseMap(Map.of("hearsay.orgs", List.of(Map.of(
        "mspId", mspId, "mspDir", dir, "anchorPeers", List.of(anchor.toString()))))).withFallback(config);
  }
}
