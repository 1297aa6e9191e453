package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import org.hyperledger.fabric.protos.common.ChannelHeader;

/**
 * The {@code type} of a serialized {@code common.ChannelHeader}, read without parsing the rest.
 * The ledger asks every transaction of every block what type it is (a config transaction? an
 * endorser transaction?); a whole parse decodes its strings and timestamp too, which only the few
 * transactions of the type asked for need.
 */
public final class ChannelHeaderType {

  /** {@code ChannelHeader.type} is field 1, an int32: tag (1 << 3) | varint. */
  private static final int TYPE_TAG = (ChannelHeader.TYPE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_VARINT;

  private ChannelHeaderType() {}

  /**
   * The header's type as protobuf would parse it (the last {@code type} field, 0 if none), or -1
   * if its fields do not read. A header of the type asked for is then parsed whole, which also
   * refuses what this read skips over (a string that is not UTF-8).
   */
  public static int of(ByteString channelHeader) {
    CodedInputStream in = channelHeader.newCodedInput();
    int type = 0;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == TYPE_TAG) {
          type = in.readInt32();
        } else if (!in.skipField(tag)) {
          return -1;
        }
      }
      return type;
    } catch (IOException e) {
      return -1;
    }
  }
}
