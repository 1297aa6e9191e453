package io.hearsay.channels.common;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * Block numbers as pull digests carry them. Fabric's are lists, one decimal number per block. A
 * peer whose Hello carries {@link #RANGES} in its metadata (the hearsay profile's targeted pull)
 * accepts ranges too: a run of consecutive blocks is one entry {@code "first-last"}, so a digest
 * costs the same for 10 blocks or 10 000. Fabric's peers never send that metadata and are
 * answered with lists.
 */
public final class BlockDigests {

  /** Hello metadata: "answer me with ranges". */
  public static final ByteString RANGES = ByteString.copyFromUtf8("hearsay:ranges");

  /**
   * Most block numbers one digest or request may name once its ranges are expanded: ten times
   * the largest state-transfer buffer, so no real digest comes near it and a forged
   * {@code "0-9223372036854775806"} cannot make a peer allocate.
   */
  public static final int MAX_ITEMS = 100_000;

  private BlockDigests() {}

  /** Malformed digest entries: not a number, a reversed or negative range, or too many blocks. */
  public static final class BadDigest extends IllegalArgumentException {
    BadDigest(String message) {
      super(message);
    }
  }

  /** One entry per block (Fabric's form). */
  public static List<ByteString> list(List<Long> numbers) {
    return numbers.stream().map(n -> ByteString.copyFromUtf8(Long.toString(n))).toList();
  }

  /** One entry per run of consecutive numbers ({@code numbers} ascending). */
  public static List<ByteString> ranges(List<Long> numbers) {
    List<ByteString> entries = new ArrayList<>();
    for (int i = 0; i < numbers.size(); ) {
      int j = i;
      while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
        j++;
      }
      String entry = j == i ? Long.toString(numbers.get(i)) : numbers.get(i) + "-" + numbers.get(j);
      entries.add(ByteString.copyFromUtf8(entry));
      i = j + 1;
    }
    return entries;
  }

  /** The block numbers of a digest in either form. */
  public static List<Long> numbers(List<ByteString> digests) {
    List<Long> numbers = new ArrayList<>();
    for (ByteString digest : digests) {
      String entry = digest.toStringUtf8();
      int dash = entry.indexOf('-', 1);
      long first = parse(dash < 0 ? entry : entry.substring(0, dash), entry);
      long last = dash < 0 ? first : parse(entry.substring(dash + 1), entry);
      if (last < first) {
        throw new BadDigest("reversed block range \"" + entry + "\"");
      }
      if (last - first >= MAX_ITEMS - numbers.size()) {
        throw new BadDigest("digest names more than " + MAX_ITEMS + " blocks (\"" + entry + "\")");
      }
      for (long n = first; n <= last; n++) {
        numbers.add(n);
      }
    }
    return numbers;
  }

  private static long parse(String number, String entry) {
    try {
      long n = Long.parseLong(number);
      if (n < 0) {
        throw new BadDigest("negative block number in \"" + entry + "\"");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadDigest("digest entry \"" + entry + "\" is neither a block number nor a range");
    }
  }
}
