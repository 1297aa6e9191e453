package io.hearsay.ledger.store;

import java.io.IOException;

/** A block store that cannot be trusted as it is; the message names the file and the offset. */
public final class LedgerCorruptedException extends IOException {

  public LedgerCorruptedException(String message) {
    super(message);
  }

  public LedgerCorruptedException(String message, Throwable cause) {
    super(message, cause);
  }
}
