package io.hearsay.protocol.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM reading and writing for certificates and PKCS#8 private keys, as Fabric's cryptogen writes them. */
public final class Pem {

  private Pem() {}

  /** Parses every certificate in PEM (or DER) bytes, in order. */
  public static List<X509Certificate> certificates(byte[] pem) throws CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (var cert : factory.generateCertificates(new ByteArrayInputStream(pem))) {
      out.add((X509Certificate) cert);
    }
    return out;
  }

  /** Parses exactly one certificate; more or fewer is an error. */
  public static X509Certificate certificate(byte[] pem) throws CertificateException {
    List<X509Certificate> certs = certificates(pem);
    if (certs.size() != 1) {
      throw new CertificateException("expected one certificate, found " + certs.size());
    }
    return certs.get(0);
  }

  /** Every certificate in the regular files of {@code dir}, by file name; none if it is absent. */
  public static List<X509Certificate> certificatesIn(Path dir) throws IOException, CertificateException {
    List<X509Certificate> certs = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return certs;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        certs.addAll(certificates(Files.readAllBytes(file)));
      }
    }
    return certs;
  }

  public static X509Certificate readCertificate(Path file) throws IOException, CertificateException {
    return certificate(Files.readAllBytes(file));
  }

  /** Reads a PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM file. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IOException(file + ": no private key in PEM (found "
          + (object == null ? "nothing" : object.getClass().getSimpleName()) + ")");
    }
  }

  public static byte[] encode(X509Certificate certificate) {
    return write(certificate);
  }

  /** PKCS#8, as Fabric's cryptogen writes its {@code priv_sk} files. */
  public static byte[] encode(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
