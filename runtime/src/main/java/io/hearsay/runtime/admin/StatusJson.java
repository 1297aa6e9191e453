package io.hearsay.runtime.admin;

import io.hearsay.channels.ChannelStatus;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.membership.MemberInfo;
import io.hearsay.runtime.membership.MembershipView;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON of {@code GET /status}: who the node is, its membership view, its channels. */
public final class StatusJson {

  private StatusJson() {}

  /** A peer's status, with the messages it refused so far by reason. */
  public static String peer(String id, String mspId, String pkiId, Endpoint endpoint, MembershipView view,
      List<ChannelStatus> channels, Map<RejectionReason, Long> rejections) {
    Map<String, Object> status = node(id, "peer", mspId, endpoint);
    status.put("pkiId", pkiId);
    status.put("membership", Map.of("alive", members(view.alive()), "dead", members(view.dead())));
    status.put("channels", channels(channels));
    status.put("rejections", new TreeMap<>(rejections));
    return Json.write(status);
  }

  /** An orderer's status. */
  public static String orderer(String id, String mspId, Endpoint endpoint, List<ChannelStatus> channels) {
    Map<String, Object> status = node(id, "orderer", mspId, endpoint);
    status.put("channels", channels(channels));
    return Json.write(status);
  }

  private static Map<String, Object> node(String id, String role, String mspId, Endpoint endpoint) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("node", id);
    node.put("role", role);
    node.put("mspId", mspId);
    node.put("endpoint", endpoint.toString());
    return node;
  }

  private record Member(String pkiId, String mspId, String endpoint) {}

  private static List<Member> members(List<MemberInfo> members) {
    return members.stream().map(m -> new Member(m.pkiId().hex(), m.mspId(),
        m.internalEndpoint().or(m::externalEndpoint).map(Endpoint::toString).orElse(""))).toList();
  }

  private static List<Map<String, Object>> channels(List<ChannelStatus> channels) {
    return channels.stream().map(c -> {
      Map<String, Object> channel = new LinkedHashMap<>();
      channel.put("channel", c.channel());
      channel.put("height", c.height());
      channel.put("tipHash", HexFormat.of().formatHex(c.tipHash().toByteArray()));
      channel.put("leader", c.leader());
      channel.put("delivering", c.delivering());
      c.lastDeclaration().ifPresent(d -> channel.put("lastDeclaration", d));
      channel.put("publishedHeight", c.publishedHeight());
      channel.put("members", c.members());
      channel.put("recentBlocks", c.recentBlocks());
      channel.put("state", c.failure().isPresent() ? "failed" : "running");
      c.failure().ifPresent(why -> channel.put("failure", why));
      return channel;
    }).toList();
  }
}
