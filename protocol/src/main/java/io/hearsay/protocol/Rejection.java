package io.hearsay.protocol;

import java.util.Objects;

/**
 * Why an input was refused: a reason the runtime counts, and a detail a person can act on
 * (which org, which subject, which block, expected and actual values).
 */
public record Rejection(RejectionReason reason, String detail) {

  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  public static Rejection of(RejectionReason reason, String format, Object... args) {
    return new Rejection(reason, String.format(format, args));
  }

  @Override
  public String toString() {
    return reason + ": " + detail;
  }
}
