package io.hearsay.channels.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BlockDigestsTest {

  private static List<String> strings(List<ByteString> digests) {
    return digests.stream().map(ByteString::toStringUtf8).toList();
  }

  @Test
  void runsOfConsecutiveBlocksBecomeOneRangeEach() {
    List<Long> numbers = List.of(3L, 4L, 5L, 6L, 9L, 11L, 12L);
    assertEquals(List.of("3-6", "9", "11-12"), strings(BlockDigests.ranges(numbers)));
    assertEquals(numbers, BlockDigests.numbers(BlockDigests.ranges(numbers)));
    assertEquals(numbers, BlockDigests.numbers(BlockDigests.list(numbers)), "Fabric's lists read the same");
  }

  @Test
  void tenThousandBlocksCostOneEntry() {
    List<Long> numbers = LongStream.range(100, 10_100).boxed().toList();
    assertEquals(List.of("100-10099"), strings(BlockDigests.ranges(numbers)));
    assertEquals(numbers, BlockDigests.numbers(BlockDigests.ranges(numbers)));
  }

  @Test
  void malformedEntriesAreRefusedNamingTheEntry() {
    for (String bad : List.of("seven", "9-3", "-4", "1-", "5-x", "1--2")) {
      var error = assertThrows(BlockDigests.BadDigest.class,
          () -> BlockDigests.numbers(List.of(ByteString.copyFromUtf8(bad))), bad);
      assertTrue(error.getMessage().contains(bad), error.getMessage());
    }
  }

  @Test
  void aRangeNamingMoreBlocksThanAnyDigestHoldsIsRefusedBeforeAnythingIsAllocated() {
    var error = assertThrows(BlockDigests.BadDigest.class,
        () -> BlockDigests.numbers(List.of(ByteString.copyFromUtf8("0-9223372036854775806"))));
    assertTrue(error.getMessage().contains("more than " + BlockDigests.MAX_ITEMS), error.getMessage());
    var split = assertThrows(BlockDigests.BadDigest.class, () -> BlockDigests.numbers(List.of(
        ByteString.copyFromUtf8("0-59999"), ByteString.copyFromUtf8("100000-159999"))));
    assertTrue(split.getMessage().contains("100000-159999"), "the total counts, not each entry");
  }
}
