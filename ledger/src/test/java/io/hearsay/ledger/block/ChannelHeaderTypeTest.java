package io.hearsay.ledger.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.junit.jupiter.api.Test;

class ChannelHeaderTypeTest {

  @Test
  void readsTheTypeAsAWholeParseDoes() throws Exception {
    for (HeaderType type : new HeaderType[] {HeaderType.MESSAGE, HeaderType.CONFIG, HeaderType.ENDORSER_TRANSACTION,
        HeaderType.ORDERER_TRANSACTION}) {
      ByteString header = ChannelHeader.newBuilder().setType(type.getNumber()).setChannelId("mychannel").setTxId("tx")
          .setTimestamp(Timestamp.newBuilder().setSeconds(1700000000)).setEpoch(3).build().toByteString();
      assertEquals(ChannelHeader.parseFrom(header).getType(), ChannelHeaderType.of(header), type.name());
    }
    // the last type field wins, as in a parse; a header without one is type 0 (MESSAGE)
    ByteString twice = ChannelHeader.newBuilder().setType(1).build().toByteString()
        .concat(ChannelHeader.newBuilder().setType(3).build().toByteString());
    assertEquals(ChannelHeader.parseFrom(twice).getType(), ChannelHeaderType.of(twice));
    assertEquals(3, ChannelHeaderType.of(twice));
    assertEquals(0, ChannelHeaderType.of(ChannelHeader.newBuilder().setChannelId("mychannel").build().toByteString()));
  }

  @Test
  void malformedFieldsReadAsNoType() {
    assertEquals(-1, ChannelHeaderType.of(ByteString.copyFrom(new byte[] {0x08})), "a varint cut short");
    assertEquals(-1, ChannelHeaderType.of(ByteString.copyFrom(new byte[] {0x12, 0x05, 'a'})), "a string cut short");
    assertEquals(-1, ChannelHeaderType.of(ByteString.copyFrom(new byte[] {0x0F})), "wire type 7");
  }
}
