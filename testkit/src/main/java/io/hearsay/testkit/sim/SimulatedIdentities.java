package io.hearsay.testkit.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeVerifier;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The peers of a simulated network: one org of generated identities (Fabric's cryptogen layout,
 * real certificates and keys), every identity known to one shared {@link EnvelopeVerifier}, and
 * the ActorSystem config simulated peers run on.
 */
public record SimulatedIdentities(CryptoMaterial material, CryptoMaterial.Org org, List<SigningIdentity> signers,
    EnvelopeVerifier verifier) {

  /** Generates {@code peers} identities (and an orderer org) under {@code dir}. */
  public static SimulatedIdentities generate(int peers, Path dir) throws Exception {
    CryptoMaterial material = CryptoMaterialGenerator.generate(
        new CryptoMaterialGenerator.Request(dir.resolve("crypto"), 1, peers, true, true));
    CryptoMaterial.Org org = material.orgs().stream().filter(o -> o.kind() == CryptoMaterial.Kind.PEER)
        .findFirst().orElseThrow();
    IdentityMapper identities = new IdentityMapper(material.mspRegistry());
    List<SigningIdentity> signers = new ArrayList<>();
    for (String node : org.nodes()) {
      SigningIdentity signer = material.signingIdentity(org, node);
      var learned = identities.learn(signer.identity(), Instant.now());
      if (!learned.isAccepted()) {
        throw new IllegalStateException("generated identity refused: " + learned.rejection());
      }
      signers.add(signer);
    }
    return new SimulatedIdentities(material, org, List.copyOf(signers), new EnvelopeVerifier(identities, 11 * 1024 * 1024));
  }

  /**
   * The config of a simulated network's ActorSystem: ledgers under {@code dir}, a 2 ms scheduler
   * tick (link delays are milliseconds), and Hearsay's own per-peer info logs off, since a
   * thousand peers logging every membership change would measure the logger. All the peers'
   * ledgers share the system's one journal plugin actor, where each real peer has its own: its
   * call timeout is raised from 10 s so that a burst of a thousand peers' writes queues instead
   * of failing (a failed write stops that peer's ledger for the rest of the run).
   */
  public static Config systemConfig(Path dir) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.hearsay"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    return ConfigFactory.load(ConfigFactory.parseMap(Map.of(
        "hearsay.ledger.data-dir", dir.resolve("ledgers").toString(),
        "pekko.loglevel", "WARNING",
        "pekko.log-dead-letters", "off",
        "pekko.scheduler.tick-duration", "2ms",
        "hearsay.ledger.journal.circuit-breaker.call-timeout", "300s")));
  }
}
