package io.hearsay.runtime.comm;

import com.typesafe.config.Config;
import io.hearsay.runtime.tls.ArteryTls;
import io.hearsay.runtime.tls.CountingTrustManager;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TrustedCas;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;
import scala.Option;

/**
 * Artery's TLS engine, from PKCS#12 stores or from Fabric's PEM files ({@code hearsay.artery-pem},
 * written by {@link ArteryTls.Pem}: key and trust stores in memory), with a trust manager that logs and counts every certificate it refuses
 * (Pekko's own provider refuses an unknown CA's certificate silently on the accepting side; an
 * operator needs to see who knocked), and that records the certificate every established session
 * presented ({@link TlsSessions}), which comm checks ConnEstablish's {@code tls_cert_hash} against.
 * The CAs it trusts grow as the peer joins channels ({@link TrustedCas}). All three are kept per
 * ActorSystem, so peers sharing a JVM in tests do not mix them up.
 */
public final class TlsEngineProvider extends ConfigSSLEngineProvider {

  private static final ConcurrentHashMap<String, LongAdder> REFUSED = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, TlsSessions> SESSIONS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, TrustedCas> TRUSTED = new ConcurrentHashMap<>();

  private static final String PEM = "hearsay.artery-pem";
  /** Set by a node that registers its trust store and counters before its ActorSystem exists. */
  public static final String NODE_KEY = "hearsay.node-key";

  private final String systemName;
  /** The PEM material of {@code hearsay.artery-pem}, when the node's TLS is Fabric's PEM files. */
  private final Optional<ArteryTls.Pem> pem;

  public TlsEngineProvider(ActorSystem system) {
    super(system);
    this.systemName = nodeKey(system);
    Config config = system.settings().config();
    this.pem = !config.hasPath(PEM) ? Optional.empty() : Optional.of(new ArteryTls.Pem(new PemTls.KeyPair(
        Path.of(config.getString(PEM + ".certificate")), Path.of(config.getString(PEM + ".private-key"))),
        config.getStringList(PEM + ".cas").stream().map(Path::of).toList()));
  }

  @Override
  public KeyManager[] keyManagers() {
    if (pem.isEmpty()) {
      return super.keyManagers();
    }
    try {
      return PemTls.keyManagers(pem.get().keyPair());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Artery TLS from " + pem.get().keyPair() + ": " + e.getMessage(), e);
    }
  }

  /** The TLS sessions of {@code system}'s Artery (the registry exists before the first connection). */
  public static TlsSessions sessions(ActorSystem system) {
    return SESSIONS.computeIfAbsent(nodeKey(system), k -> new TlsSessions());
  }

  /**
   * A node's key in the registries: {@code hearsay.node-key} of its config when the node set one
   * (so it can reach its registries before its ActorSystem exists), else the system's identity.
   */
  public static String nodeKey(ActorSystem system) {
    Config config = system.settings().config();
    return config.hasPath(NODE_KEY) ? config.getString(NODE_KEY) : system.name() + "@" + System.identityHashCode(system);
  }

  /** The CAs the node of {@code nodeKey} trusts (its Artery and its Fabric gossip alike). */
  public static TrustedCas trustedCas(String nodeKey) {
    return TRUSTED.computeIfAbsent(nodeKey, k -> new TrustedCas(List.of()));
  }

  /** The counter of TLS certificates refused by the node of {@code nodeKey}. */
  public static LongAdder refusedCounter(String nodeKey) {
    return REFUSED.computeIfAbsent(nodeKey, k -> new LongAdder());
  }

  /**
   * The CAs {@code system}'s Artery trusts, live: a CA added is trusted from the next handshake on
   * (the channel router adds the TLS CAs of every channel the peer joins).
   */
  public static TrustedCas trustedCas(ActorSystem system) {
    return TRUSTED.computeIfAbsent(nodeKey(system), k -> new TrustedCas(List.of()));
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    SESSIONS.computeIfAbsent(systemName, k -> new TlsSessions()).sessionEstablished(session);
    return super.verifyClientSession(hostname, session);
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    SESSIONS.computeIfAbsent(systemName, k -> new TlsSessions()).sessionEstablished(session);
    return super.verifyServerSession(hostname, session);
  }

  /** Certificates refused by the TLS engine of {@code system} so far. */
  public static long refusedCertificates(ActorSystem system) {
    LongAdder adder = REFUSED.get(nodeKey(system));
    return adder == null ? 0 : adder.sum();
  }

  @Override
  public TrustManager[] trustManagers() {
    TrustManager[] configured;
    try {
      configured = pem.isEmpty() ? super.trustManagers() : PemTls.trustManagers(pem.get().trustedCas());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Artery TLS trusting " + pem.get().trustedCas() + ": " + e.getMessage(), e);
    }
    TrustedCas trusted = TRUSTED.computeIfAbsent(systemName, k -> new TrustedCas(List.of()));
    for (TrustManager manager : configured) {
      if (manager instanceof X509TrustManager x509) {
        trusted.add(Arrays.asList(x509.getAcceptedIssuers()));
      }
    }
    return new TrustManager[] {
        new CountingTrustManager(trusted, REFUSED.computeIfAbsent(systemName, k -> new LongAdder()), "Artery")};
  }
}
