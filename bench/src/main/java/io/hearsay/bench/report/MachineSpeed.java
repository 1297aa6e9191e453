package io.hearsay.bench.report;

import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.cryptogen.CertificateAuthority;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * How fast this machine runs a peer's dominant cost, so runs on different machines can be told
 * apart: reports that depend on how much CPU the machine has (1000 simulated peers on two cores)
 * state it next to their figures. The median of five timed rounds, after 10 000 verifies that let
 * the JIT compile the verify (before that one takes half as long again).
 */
public final class MachineSpeed {

  private static final int PER_ROUND = 400;
  private static final int WARM_UP_ROUNDS = 25;

  private MachineSpeed() {}

  /** Microseconds for one raw ECDSA P-256 verify of a 1 KiB message (SHA-256 included). */
  public static double verifyMicros() throws Exception {
    KeyPair keys = CertificateAuthority.newKeyPair();
    ECPublicKeyParameters key = Ecdsa.publicKeyParameters(keys.getPublic());
    byte[][] messages = new byte[16][1024];
    byte[][] signatures = new byte[messages.length][];
    Random random = new Random(1);
    for (int i = 0; i < messages.length; i++) {
      random.nextBytes(messages[i]);
      signatures[i] = Ecdsa.sign(Ecdsa.privateKeyParameters(keys.getPrivate()), messages[i]);
    }
    double[] rounds = new double[5];
    for (int round = -WARM_UP_ROUNDS; round < rounds.length; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < PER_ROUND; i++) {
        if (Ecdsa.verify(key, messages[i % messages.length], signatures[i % messages.length]) != Ecdsa.Check.VALID) {
          throw new IllegalStateException("a signature made here does not verify");
        }
      }
      if (round >= 0) {
        rounds[round] = (System.nanoTime() - start) / 1e3 / PER_ROUND;
      }
    }
    Arrays.sort(rounds);
    return rounds[rounds.length / 2];
  }
}
