package io.hearsay.bench.ledger;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.block.BlockValidator;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.cryptogen.CertificateAuthority;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.SigningIdentity;
import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.Metadata;
import org.hyperledger.fabric.protos.common.MetadataSignature;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What checking a signed block costs against its physical floor, one ECDSA verify plus hashing its
 * data, measured in the same run on the same blocks: 10 000 blocks of 10 key-value transactions
 * each (≈ 10 KB), signed by an orderer whose org's MSP validates it, more than the process
 * remembers verified signatures ({@code VerifiedSignatures}), so each block's first check is a
 * real one.
 *
 * <pre>
 * rawVerify          Ecdsa.verify of a block's signed bytes (value ‖ signature header ‖ header)
 * rawDataHash        SHA-256 over the block's data, as the header's data_hash
 * checkOnArrival     what a peer checks before passing a block on (data hash, orderer signature)
 * arrivalThenLedger  a pushed block's whole path: checked on arrival, then by the ledger before
 *                    it appends (the same, plus number and link)
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BlockValidationBenchmark {

  private Block[] blocks;
  private byte[][] signed;
  private byte[][] signatures;
  private ECPublicKeyParameters ordererKey;
  private MspRegistry ordererOrgs;
  private Instant now;
  private int next;

  @Setup
  public void setUp() throws Exception {
    now = Instant.now();
    CertificateAuthority ordererCa = ca("example.com");
    SigningIdentity orderer = identity(ordererCa, "OrdererMSP", "orderer.example.com", "orderer");
    ordererKey = orderer.identity().verificationKey();
    ordererOrgs = MspRegistry.of(new Msp("OrdererMSP", List.of(ordererCa.certificate())));
    SigningIdentity user = identity(ca("org1.example.com"), "Org1MSP", "User1@org1.example.com", "client");

    blocks = new Block[10_000];
    signed = new byte[blocks.length][];
    signatures = new byte[blocks.length][];
    Block previous = BlockBuilder.block(0, ByteString.EMPTY, List.of(ByteString.copyFromUtf8("genesis")));
    for (int i = 0; i < blocks.length; i++) {
      List<ByteString> transactions = new ArrayList<>();
      for (int tx = 0; tx < 10; tx++) {
        transactions.add(KeyValueTransactions.write(user, "mychannel", "bench",
            Map.of("key" + i + "-" + tx, ByteString.copyFrom(new byte[256]))).toByteString());
      }
      Block block = OrdererSignatures.sign(BlockBuilder.next(previous, transactions), orderer);
      blocks[i] = block;
      MetadataSignature signature = Metadata.parseFrom(block.getMetadata().getMetadata(
          BlockMetadataIndex.SIGNATURES_VALUE)).getSignatures(0);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.writeBytes(signature.getSignatureHeader().toByteArray());
      bytes.writeBytes(BlockHashes.headerBytes(block.getHeader()));
      signed[i] = bytes.toByteArray();
      signatures[i] = signature.getSignature().toByteArray();
      previous = block;
    }
    if (BlockValidator.checkOnArrival(blocks[0], Optional.of(ordererOrgs), now).isPresent()
        || Ecdsa.verify(ordererKey, signed[0], signatures[0]) != Ecdsa.Check.VALID) {
      throw new IllegalStateException("the bench's blocks do not verify");
    }
  }

  private CertificateAuthority ca(String domain) throws Exception {
    return CertificateAuthority.create("ca." + domain, domain, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
  }

  private SigningIdentity identity(CertificateAuthority ca, String mspId, String name, String orgUnit) throws Exception {
    KeyPair keys = CertificateAuthority.newKeyPair();
    return SigningIdentity.of(mspId, ca.issueSigningCertificate(name, orgUnit, keys.getPublic(),
        now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))), keys.getPrivate());
  }

  private int nextIndex() {
    int i = next;
    next = (next + 1) % blocks.length;
    return i;
  }

  @Benchmark
  public Ecdsa.Check rawVerify() {
    int i = nextIndex();
    return Ecdsa.verify(ordererKey, signed[i], signatures[i]);
  }

  @Benchmark
  public ByteString rawDataHash() {
    return BlockHashes.dataHash(blocks[nextIndex()].getData());
  }

  @Benchmark
  public Object checkOnArrival() {
    return BlockValidator.checkOnArrival(blocks[nextIndex()], Optional.of(ordererOrgs), now);
  }

  @Benchmark
  public void arrivalThenLedger(Blackhole blackhole) {
    Block block = blocks[nextIndex()];
    blackhole.consume(BlockValidator.checkOnArrival(block, Optional.of(ordererOrgs), now));
    blackhole.consume(BlockValidator.check(block, block.getHeader().getNumber(), block.getHeader().getPreviousHash(),
        Optional.of(ordererOrgs), now));
  }
}
