package io.hearsay.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.testing.TestCrypto;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A link's tag checks only at its receiver, as its sender's, for the bytes it was made for. */
class LinkMacsTest {

  private final SigningIdentity a = TestCrypto.peer(1, 0);
  private final SigningIdentity b = TestCrypto.peer(1, 1);
  private final SigningIdentity c = TestCrypto.peer(2, 0);
  private final LinkMacs atA = new LinkMacs(a);
  private final LinkMacs atB = new LinkMacs(b);
  private final LinkMacs atC = new LinkMacs(c);
  private final byte[] digest = LinkMacs.digest(ByteString.copyFromUtf8("a block message"));

  @Test
  void bothEndsAgreeOnTheSecretAndATagFromAChecksAtBAsAs() {
    assertArrayEquals(a.agree(b.identity().verificationKey()), b.agree(a.identity().verificationKey()));
    byte[] tag = atA.tag(b.identity(), digest);
    assertEquals(LinkMacs.TAG_BYTES, tag.length);
    assertTrue(atB.checks(a.identity(), digest, tag));
  }

  @Test
  void aThirdPeerCannotMakeATagThatChecksAsAnothers() {
    byte[] byC = atC.tag(b.identity(), digest);
    assertTrue(atB.checks(c.identity(), digest, byC), "C's own tag checks as C's");
    assertFalse(atB.checks(a.identity(), digest, byC), "C's tag must not check as A's");
  }

  @Test
  void aTagDoesNotCheckTheOtherWayNorForOtherBytesNorTruncated() {
    byte[] tag = atA.tag(b.identity(), digest);
    assertFalse(atA.checks(b.identity(), digest, tag), "A's frame to B reflected back to A as B's");
    byte[] other = LinkMacs.digest(ByteString.copyFromUtf8("another block message"));
    assertFalse(atB.checks(a.identity(), other, tag));
    assertFalse(atB.checks(a.identity(), digest, Arrays.copyOf(tag, 16)));
    byte[] flipped = tag.clone();
    flipped[0] ^= 1;
    assertFalse(atB.checks(a.identity(), digest, flipped));
  }
}
