package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;

/**
 * Parses a protobuf message whose bytes fields come out as views of the bytes parsed, not copies.
 * Reading a transaction's headers (is it a config transaction? an endorser transaction?) parses the
 * envelope, then its payload, then what the payload holds: each layer parsed plainly copies the
 * whole of the next, a block's transactions over again at each layer of each check. A view keeps
 * the bytes it is a view of alive, so what is kept beyond the parse (a world-state value) is
 * parsed plainly.
 */
public final class AliasedInput {

  private AliasedInput() {}

  /** As {@code parser.parseFrom(bytes)}, and refusing what it refuses (a stray end-group tag too). */
  public static <T> T parse(Parser<T> parser, ByteString bytes) throws InvalidProtocolBufferException {
    CodedInputStream input = bytes.newCodedInput();
    input.enableAliasing(true);
    T message = parser.parseFrom(input);
    input.checkLastTagWas(0);
    return message;
  }
}
