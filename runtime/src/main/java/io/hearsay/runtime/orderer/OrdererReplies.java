package io.hearsay.runtime.orderer;

import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;

/** The ordering service's answers as frames. */
final class OrdererReplies {

  private OrdererReplies() {}

  static OrdererFrame broadcast(Status status, String info) {
    return new OrdererFrame(OrdererFrame.Kind.BROADCAST_RESPONSE, null,
        BroadcastResponse.newBuilder().setStatus(status).setInfo(info).build().toByteString());
  }

  static OrdererFrame deliverStatus(Status status) {
    return new OrdererFrame(OrdererFrame.Kind.DELIVER_RESPONSE, null,
        DeliverResponse.newBuilder().setStatus(status).build().toByteString());
  }

  static OrdererFrame deliverBlock(Block block) {
    return new OrdererFrame(OrdererFrame.Kind.DELIVER_RESPONSE, null,
        DeliverResponse.newBuilder().setBlock(block).build().toByteString());
  }
}
