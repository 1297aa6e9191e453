package io.hearsay.protocol.crypto;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.util.encoders.Hex;

/**
 * The signatures this process found valid lately, so one it meets again is not verified again: a
 * block a peer checks when it arrives is checked once more by its ledger before the append.
 *
 * <pre>
 * verify(key, message, signature):
 *   d = SHA-256(key ‖ SHA-256(message) ‖ signature)
 *   d remembered          → VALID (what the verify said before: it is a function of the three)
 *   else Ecdsa.verify     → remember d when VALID (never a refusal); forget the oldest past CAPACITY
 * </pre>
 *
 * Only the signature is remembered: who signed is checked by the caller every time (MSP, dates).
 */
public final class VerifiedSignatures {

  /** How many valid signatures are remembered: a few hundred blocks in flight and their re-checks. */
  static final int CAPACITY = 4096;

  private final Map<String, Boolean> valid = new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > CAPACITY;
    }
  };

  /** As {@link Ecdsa#verify}, without the curve arithmetic for a signature found valid before. */
  public Ecdsa.Check verify(ECPublicKeyParameters key, byte[] message, byte[] derSignature) {
    byte[] digest = Ecdsa.sha256(message);
    String remembered = fingerprint(key, digest, derSignature);
    synchronized (valid) {
      if (valid.containsKey(remembered)) {
        return Ecdsa.Check.VALID;
      }
    }
    Ecdsa.Check check = Ecdsa.verifyDigest(key, digest, derSignature);
    if (check == Ecdsa.Check.VALID) {
      synchronized (valid) {
        valid.put(remembered, Boolean.TRUE);
      }
    }
    return check;
  }

  private static String fingerprint(ECPublicKeyParameters key, byte[] digest, byte[] signature) {
    SHA256Digest sha = new SHA256Digest();
    byte[] encodedKey = key.getQ().getEncoded(false);
    sha.update(encodedKey, 0, encodedKey.length);
    sha.update(digest, 0, digest.length);
    sha.update(signature, 0, signature.length);
    byte[] out = new byte[32];
    sha.doFinal(out, 0);
    return Hex.toHexString(out);
  }
}
