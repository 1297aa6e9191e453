package io.hearsay.protocol;

import java.util.function.Function;

/**
 * The outcome of checking an input: the accepted value, or the {@link Rejection} saying why not.
 * Expected failures are values, not exceptions, so callers count them instead of catching them.
 */
public sealed interface Verdict<T> {

  record Accepted<T>(T value) implements Verdict<T> {}

  record Rejected<T>(Rejection rejection) implements Verdict<T> {}

  static <T> Verdict<T> accept(T value) {
    return new Accepted<>(value);
  }

  static <T> Verdict<T> reject(Rejection rejection) {
    return new Rejected<>(rejection);
  }

  static <T> Verdict<T> reject(RejectionReason reason, String format, Object... args) {
    return new Rejected<>(Rejection.of(reason, format, args));
  }

  default boolean isAccepted() {
    return this instanceof Accepted;
  }

  /** The accepted value; calling it on a rejection is a bug, hence the unchecked exception. */
  default T value() {
    if (this instanceof Accepted<T> accepted) {
      return accepted.value();
    }
    throw new IllegalStateException("not accepted: " + ((Rejected<T>) this).rejection());
  }

  /** The rejection; calling it on an accepted verdict is a bug. */
  default Rejection rejection() {
    if (this instanceof Rejected<T> rejected) {
      return rejected.rejection();
    }
    throw new IllegalStateException("accepted, not rejected");
  }

  /** Continues with {@code next} when accepted; passes a rejection through unchanged. */
  default <R> Verdict<R> then(Function<? super T, Verdict<R>> next) {
    if (this instanceof Accepted<T> accepted) {
      return next.apply(accepted.value());
    }
    return reject(((Rejected<T>) this).rejection());
  }
}
