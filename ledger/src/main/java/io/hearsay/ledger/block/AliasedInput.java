package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.DiscardUnknownFieldsParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.nio.ByteBuffer;

/**
 * Parses a protobuf message whose bytes fields come out as views of the bytes parsed, not copies.
 * Reading a transaction's headers (is it a config transaction? an endorser transaction?) parses the
 * envelope, then its payload, then what the payload holds: each layer parsed plainly copies the
 * whole of the next, a block's transactions over again at each layer of each check. A view keeps
 * the bytes it is a view of alive, so what is kept beyond the parse (a world-state value) is
 * parsed plainly.
 *
 * <p>Bytes that are not a message at all (a block whose data is not Fabric envelopes) are refused
 * by a scan of the top-level fields before protobuf parses them: protobuf's refusal is an exception
 * with a stack trace, a few microseconds each, and the ledger asks "is it a config transaction?"
 * and "what does it write?" of every block it commits.
 */
public final class AliasedInput {

  private AliasedInput() {}

  /** Below protobuf's recursion limit (100), so a group the scan follows is one protobuf follows. */
  private static final int MAX_GROUP_DEPTH = 64;

  /**
   * As {@code parser.parseFrom(bytes)}, and refusing what it refuses (a stray end-group tag too),
   * but without the fields the message does not know: a view is read for its known fields, and
   * keeping unknown ones builds a set of them (bytes that happen to parse as hundreds of unknown
   * varints cost ~45 µs).
   */
  public static <T extends Message> T parse(Parser<T> parser, ByteString bytes) throws InvalidProtocolBufferException {
    String malformed = malformedField(bytes.asReadOnlyByteBuffer());
    if (malformed != null) {
      throw new Malformed(malformed);
    }
    CodedInputStream input = bytes.newCodedInput();
    input.enableAliasing(true);
    T message = DiscardUnknownFieldsParser.wrap(parser).parseFrom(input);
    input.checkLastTagWas(0);
    return message;
  }

  /**
   * Why {@code in} cannot be a protobuf message, or null if it may be: only what protobuf's parser
   * refuses too. Fields are skipped as protobuf skips unknown fields; what the scan refuses is a
   * zero field number, wire type 6 or 7, a varint of more than ten bytes, a negative length, a
   * field running past the end, and an end-group tag that closes no group or another group.
   * Groups nested deeper than protobuf allows are left to protobuf.
   */
  private static String malformedField(ByteBuffer in) {
    int[] groups = null; // open groups' field numbers, made at the first (groups are rare)
    int depth = 0;
    while (in.hasRemaining()) {
      long tag = varint(in);
      if (tag < 0) {
        return "malformed tag at offset " + in.position();
      }
      int field = (int) tag >>> 3;
      if (field == 0) {
        return "invalid tag (zero) at offset " + in.position();
      }
      int wireType = (int) tag & 7;
      long skip = switch (wireType) {
        case 0 -> varint(in) < 0 ? -1 : 0;
        case 1 -> 8;
        case 2 -> {
          long length = varint(in);
          yield length < 0 || (int) length < 0 ? -1 : (int) length;
        }
        case 3, 4 -> 0;
        case 5 -> 4;
        default -> -2;
      };
      if (skip < 0 || skip > in.remaining()) {
        return skip == -2 ? "invalid wire type " + wireType + " at offset " + in.position()
            : "field truncated or of negative length at offset " + in.position();
      }
      in.position(in.position() + (int) skip);
      if (wireType == 3) {
        if (depth == MAX_GROUP_DEPTH) {
          return null;
        }
        if (groups == null) {
          groups = new int[MAX_GROUP_DEPTH];
        }
        groups[depth++] = field;
      } else if (wireType == 4) {
        if (depth == 0 || groups[depth - 1] != field) {
          return "end-group tag of field " + field + " closes no group at offset " + in.position();
        }
        depth--;
      }
    }
    return depth == 0 ? null : "group of field " + groups[depth - 1] + " not closed at the end";
  }

  /**
   * The low 32 bits of a varint (what protobuf keeps of a tag or a length), or -1 when the bytes
   * end inside it or it runs past ten bytes.
   */
  private static long varint(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (!in.hasRemaining()) {
        return -1;
      }
      byte b = in.get();
      if (shift < 32) {
        value |= (long) (b & 0x7f) << shift;
      }
      if (b >= 0) {
        return value & 0xFFFF_FFFFL;
      }
    }
    return -1;
  }

  /** Protobuf's refusal, without the stack trace: the scan's callers ask only whether it parsed. */
  private static final class Malformed extends InvalidProtocolBufferException {
    Malformed(String description) {
      super("protocol message is malformed: " + description);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
