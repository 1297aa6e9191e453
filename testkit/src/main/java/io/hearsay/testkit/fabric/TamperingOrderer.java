package io.hearsay.testkit.fabric;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.stub.StreamObserver;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.grpc.GrpcServer;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;

/**
 * A fake orderer for refusal tests: it takes a stopped Fabric orderer's address and TLS key (what
 * an attacker who stole them would have, but not the orderer's signing key), answers Deliver with
 * the real orderer's blocks from its block file, then a forged next block: the real tip's data
 * with one byte changed, chained to the tip and with its data hash recomputed (all an attacker can
 * do), carrying the tip's orderer signatures, which sign another header.
 */
public final class TamperingOrderer implements AutoCloseable {

  private final GrpcServer server;
  private final AtomicInteger served = new AtomicInteger();

  private TamperingOrderer(FabricNetwork fabric) throws ConfigError {
    Path tls = fabric.ordererOrg().resolve("orderers/orderer.example.com/tls");
    PemTls.KeyPair keyPair = new PemTls.KeyPair(tls.resolve("server.crt"), tls.resolve("server.key"));
    this.server = GrpcServer.start(fabric.orderer(), Optional.of(new TlsSettings(keyPair, List.of(), false, List.of(),
        keyPair)), "the fake orderer", new Service(fabric.ordererBlockFile()));
  }

  /** Serves at the address of {@code fabric}'s orderer, which must be stopped. */
  public static TamperingOrderer start(FabricNetwork fabric) throws ConfigError {
    return new TamperingOrderer(fabric);
  }

  /** Forged blocks sent so far. */
  public int served() {
    return served.get();
  }

  private final class Service extends AtomicBroadcastGrpc.AtomicBroadcastImplBase {
    private final Path blockFile;

    Service(Path blockFile) {
      this.blockFile = blockFile;
    }

    @Override
    public StreamObserver<Envelope> deliver(StreamObserver<DeliverResponse> responses) {
      return new StreamObserver<>() {
        @Override
        public void onNext(Envelope seek) {
          try {
            long start = SeekInfo.parseFrom(Payload.parseFrom(seek.getPayload()).getData()).getStart().getSpecified()
                .getNumber();
            List<Block> blocks = new ArrayList<>();
            BlockFileScanner.scan(blockFile, 0, entry -> {
              if (entry.block().getHeader().getNumber() >= start) {
                blocks.add(entry.block());
              }
            });
            Block[] tip = new Block[1];
            BlockFileScanner.scan(blockFile, 0, entry -> tip[0] = entry.block());
            if (tip[0] == null || start > tip[0].getHeader().getNumber() + 1) {
              responses.onNext(DeliverResponse.newBuilder().setStatus(Status.NOT_FOUND).build());
              responses.onCompleted();
              return;
            }
            for (Block block : blocks) {
              responses.onNext(DeliverResponse.newBuilder().setBlock(block).build());
            }
            responses.onNext(DeliverResponse.newBuilder().setBlock(forgedAfter(tip[0])).build());
            served.incrementAndGet();
          } catch (InvalidProtocolBufferException e) {
            responses.onNext(DeliverResponse.newBuilder().setStatus(Status.BAD_REQUEST).build());
            responses.onCompleted();
          } catch (IOException e) {
            responses.onError(e);
          }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
          responses.onCompleted();
        }
      };
    }
  }

  /**
   * The block after {@code tip} as an attacker without the orderer's key makes it: the tip's data
   * with one byte flipped, correctly chained and data-hashed, carrying the tip's old signatures.
   */
  public static Block forgedAfter(Block tip) {
    byte[] first = tip.getData().getData(0).toByteArray();
    first[first.length / 2] ^= 0x01;
    BlockData data = tip.getData().toBuilder().setData(0, ByteString.copyFrom(first)).build();
    return tip.toBuilder()
        .setHeader(tip.getHeader().toBuilder().setNumber(tip.getHeader().getNumber() + 1)
            .setPreviousHash(BlockHashes.headerHash(tip.getHeader())).setDataHash(BlockHashes.dataHash(data)))
        .setData(data)
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
