package io.hearsay.protocol.cryptogen;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate authority that issues certificates the way Fabric's
 * cryptogen does: signing certificates (digitalSignature only) for an org's nodes, and TLS
 * certificates (server and client auth, with host names) from a separate TLS CA.
 */
public final class CertificateAuthority {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private CertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** A CA from an existing key pair and certificate (e.g. loaded from an org's ca/ directory). */
  public static CertificateAuthority of(KeyPair keyPair, X509Certificate certificate) {
    return new CertificateAuthority(keyPair, certificate);
  }

  /** A new root CA named {@code commonName} for the org whose domain is {@code organization}. */
  public static CertificateAuthority create(String commonName, String organization,
      Instant notBefore, Instant notAfter) {
    KeyPair keys = newKeyPair();
    X500Name name = subject(commonName, organization, null);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = builder(name, name, keys.getPublic(), notBefore, notAfter)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(
              KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(keys, sign(builder, keys));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create CA " + commonName, e);
    }
  }

  /** An intermediate CA whose certificate this CA signs (Fabric MSPs allow intermediate certs). */
  public CertificateAuthority issueIntermediate(String commonName, Instant notBefore,
      Instant notAfter) {
    KeyPair keys = newKeyPair();
    X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = builder(issuer,
          subject(commonName, organizationOf(certificate), null), keys.getPublic(), notBefore, notAfter)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(
              KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(certificate));
      return new CertificateAuthority(keys, sign(builder, keyPair));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create intermediate CA " + commonName, e);
    }
  }

  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 key generation unavailable", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public KeyPair keyPair() {
    return keyPair;
  }

  /** A node's signing certificate: end entity, digitalSignature only, as an MSP sign cert. */
  public X509Certificate issueSigningCertificate(String commonName, String orgUnit,
      PublicKey key, Instant notBefore, Instant notAfter) {
    return issue(commonName, orgUnit, key, notBefore, notAfter,
        new KeyUsage(KeyUsage.digitalSignature), null, List.of());
  }

  /** A node's TLS certificate, usable as server and as client (Artery's mutual TLS). */
  public X509Certificate issueTlsCertificate(String commonName, PublicKey key,
      List<String> hostNames, Instant notBefore, Instant notAfter) {
    return issue(commonName, null, key, notBefore, notAfter,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment),
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
            KeyPurposeId.id_kp_clientAuth}),
        hostNames);
  }

  /** Any certificate this CA signs; tests use it to make certificates that must be refused. */
  public X509Certificate issue(String commonName, String orgUnit, PublicKey key, Instant notBefore,
      Instant notAfter, KeyUsage keyUsage, ExtendedKeyUsage extendedKeyUsage,
      List<String> hostNames) {
    String organization = organizationOf(certificate);
    X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          builder(issuer, subject(commonName, organization, orgUnit), key, notBefore, notAfter)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, keyUsage)
              .addExtension(Extension.authorityKeyIdentifier, false,
                  ext.createAuthorityKeyIdentifier(certificate));
      if (extendedKeyUsage != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage);
      }
      if (!hostNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            hostNames.stream().map(CertificateAuthority::generalName).toArray(GeneralName[]::new)));
      }
      return sign(builder, keyPair);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot issue certificate for " + commonName, e);
    }
  }

  private static GeneralName generalName(String host) {
    boolean ip = host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':');
    return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host);
  }

  private static String organizationOf(X509Certificate cert) {
    X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    var rdns = name.getRDNs(BCStyle.O);
    return rdns.length == 0 ? "" : rdns[0].getFirst().getValue().toString();
  }

  private static X500Name subject(String commonName, String organization, String orgUnit) {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.C, "US")
        .addRDN(BCStyle.ST, "California")
        .addRDN(BCStyle.L, "San Francisco")
        .addRDN(BCStyle.O, organization);
    if (orgUnit != null) {
      name.addRDN(BCStyle.OU, orgUnit);
    }
    return name.addRDN(BCStyle.CN, commonName).build();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
      Instant notBefore, Instant notAfter) {
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(notBefore), Date.from(notAfter), subject, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    var contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC)
        .build(signer.getPrivate());
    return new JcaX509CertificateConverter().setProvider(BC).getCertificate(builder.build(contentSigner));
  }
}
