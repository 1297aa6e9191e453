package io.hearsay.runtime.admin;

import io.hearsay.channels.ChannelStatus;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.membership.MemberInfo;
import io.hearsay.runtime.membership.MembershipView;
import java.util.HexFormat;
import java.util.List;

/** The JSON of {@code GET /status}: who the node is, its membership view, its channels. */
public final class StatusJson {

  private StatusJson() {}

  /** A peer's status. */
  public static String peer(String id, String mspId, String pkiId, Endpoint endpoint, MembershipView view,
      List<ChannelStatus> channels) {
    return "{\"node\": " + Json.quote(id) + ", \"role\": \"peer\", \"mspId\": " + Json.quote(mspId)
        + ", \"pkiId\": " + Json.quote(pkiId) + ", \"endpoint\": " + Json.quote(endpoint.toString())
        + ", \"membership\": {\"alive\": " + members(view.alive()) + ", \"dead\": " + members(view.dead()) + "}"
        + ", \"channels\": " + channels(channels) + "}";
  }

  /** An orderer's status. */
  public static String orderer(String id, String mspId, Endpoint endpoint, List<ChannelStatus> channels) {
    return "{\"node\": " + Json.quote(id) + ", \"role\": \"orderer\", \"mspId\": " + Json.quote(mspId)
        + ", \"endpoint\": " + Json.quote(endpoint.toString()) + ", \"channels\": " + channels(channels) + "}";
  }

  private static String members(List<MemberInfo> members) {
    return Json.array(members.stream().map(m -> "{\"pkiId\": " + Json.quote(m.pkiId().hex())
        + ", \"mspId\": " + Json.quote(m.mspId())
        + ", \"endpoint\": " + Json.quote(m.internalEndpoint().or(m::externalEndpoint).map(Endpoint::toString).orElse(""))
        + "}").toList());
  }

  private static String channels(List<ChannelStatus> channels) {
    return Json.array(channels.stream().map(c -> "{\"channel\": " + Json.quote(c.channel())
        + ", \"height\": " + c.height()
        + ", \"tipHash\": " + Json.quote(HexFormat.of().formatHex(c.tipHash().toByteArray()))
        + ", \"leader\": " + c.leader() + ", \"delivering\": " + c.delivering()
        + ", \"publishedHeight\": " + c.publishedHeight()
        + ", \"members\": " + Json.array(c.members().stream().map(m -> "{\"pkiId\": " + Json.quote(m.pkiId())
            + ", \"mspId\": " + Json.quote(m.mspId()) + ", \"height\": " + m.height() + "}").toList())
        + ", \"state\": " + Json.quote(c.failure().isPresent() ? "failed" : "running")
        + c.failure().map(why -> ", \"failure\": " + Json.quote(why)).orElse("") + "}").toList());
  }
}
