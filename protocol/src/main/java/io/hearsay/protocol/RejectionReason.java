package io.hearsay.protocol;

/**
 * Every way an identity or an envelope can be refused. Each value is counted separately by the
 * runtime, so a new way of being wrong gets a new value rather than a vaguer old one.
 */
public enum RejectionReason {
  /** The bytes are not a {@code gossip.Envelope}. */
  MALFORMED_ENVELOPE,
  /** The envelope's payload is not a {@code gossip.GossipMessage}, or the message has no content. */
  MALFORMED_PAYLOAD,
  /** The envelope carries no payload at all. */
  EMPTY_PAYLOAD,
  /** The payload is larger than the configured limit. */
  OVERSIZED_PAYLOAD,
  /** The message's tag is not the one Fabric allows for its content type. */
  ILLEGAL_TAG,
  /** The envelope has no signature. */
  MISSING_SIGNATURE,
  /** The signature is not a DER-encoded ECDSA signature. */
  MALFORMED_SIGNATURE,
  /** The signature's S value is in the upper half of the curve order (Fabric refuses these). */
  NON_CANONICAL_SIGNATURE,
  /** The signature does not verify with the signer's key: another key signed, or the payload changed. */
  BAD_SIGNATURE,
  /** The secret envelope (internal endpoint) does not verify with the signer's key. */
  BAD_SECRET_SIGNATURE,
  /** The secret envelope's payload is not a {@code gossip.Secret}. */
  MALFORMED_SECRET,
  /** No identity is known for the PKI-ID that should have signed the message. */
  UNKNOWN_SIGNER,
  /** The PKI-ID claimed in the message is not SHA-256(mspid ‖ id_bytes) of the identity. */
  PKI_ID_MISMATCH,
  /** The identity bytes are not a {@code msp.SerializedIdentity} holding one PEM X.509 certificate. */
  MALFORMED_IDENTITY,
  /** The identity names an MSP id that this peer does not know. */
  UNKNOWN_ORG,
  /** The certificate does not chain to a root CA of the org it claims. */
  UNTRUSTED_CERTIFICATE,
  /** The certificate (or one in its chain) is past its notAfter date. */
  EXPIRED_CERTIFICATE,
  /** The certificate (or one in its chain) is before its notBefore date. */
  CERTIFICATE_NOT_YET_VALID,
  /** The certificate is a CA certificate or does not allow digital signatures. */
  BAD_KEY_USAGE,
  /** The certificate's key is not an ECDSA P-256 key. */
  UNSUPPORTED_KEY,
  /**
   * A frame between Hearsay peers whose link MAC (in place of a signature, for what Fabric sends
   * unsigned) is missing, too short or not the one the bound peer's key makes.
   */
  BAD_LINK_MAC,
  /** A gossip frame arrived from an endpoint that has not completed the signed handshake. */
  UNBOUND_SENDER,
  /** A gossip stream brought no ConnEstablish within peer.gossip.connTimeout of opening: closed, as Fabric does. */
  HANDSHAKE_TIMEOUT,
  /** A message names a sender (e.g. the alive message in a membership request) other than the peer the connection is bound to. */
  SPOOFED_SENDER,
  /** A configured bootstrap peer turned out to belong to another org. */
  FOREIGN_BOOTSTRAP_PEER,
  /** A TLS connection presented a certificate that no trusted CA issued. */
  UNTRUSTED_TLS_CERTIFICATE,
  /** The bytes are not a block (a {@code common.Block}, or a Fabric block-file record). */
  MALFORMED_BLOCK,
  /** The block's number is not the ledger's height. */
  WRONG_BLOCK_NUMBER,
  /** The block's data_hash is not SHA-256 of its data entries. */
  BAD_DATA_HASH,
  /** The block's previous_hash is not SHA-256 of the previous block's DER header. */
  BAD_PREVIOUS_HASH,
  /** The block carries no signature in its SIGNATURES metadata. */
  MISSING_ORDERER_SIGNATURE,
  /** No signature in the block's SIGNATURES metadata verifies as one of an orderer org's. */
  BAD_ORDERER_SIGNATURE,
  /** A different block is already committed at this number. */
  BLOCK_FORK,
  /** A message not newer than one already taken from its sender (replayed or stale). */
  STALE_MESSAGE,
  /** A channel message for a channel this peer has not joined, or from a peer outside the channel. */
  NOT_IN_CHANNEL,
  /**
   * A block, pull or leadership message from an alive peer of this peer's org whose channel
   * membership this peer has not seen proven yet (its StateInfo is still on its way): not taken,
   * as Fabric ignores such a pull message (Fabric takes the block); counted as unverifiable, not
   * as a rejection.
   */
  MEMBERSHIP_NOT_YET_PROVEN,
  /**
   * A pull or state-transfer message that answers nothing this peer asked: a response whose nonce
   * is not one of its requests in flight (never sent, or answered too late), or a pull request
   * for a digest it never sent.
   */
  UNSOLICITED_MESSAGE,
  /** An admin request whose bytes are not the signed request they should be (e.g. not a SignedProposal). */
  MALFORMED_REQUEST,
  /** An admin request signed by an identity of the org that is not one of its admins. */
  NOT_AN_ADMIN,
  /** An admin request whose timestamp lies outside the accepted window around this node's clock. */
  STALE_REQUEST,
  /** An admin request seen before (its transaction id), sent again. */
  REPLAYED_REQUEST,
  /** A channel config whose MSP for this node's own org trusts other CAs than the node's configured MSP. */
  CONFLICTING_MSP,
  /** A message or block for a channel whose ledger is not running (it failed; see the peer's status). */
  LEDGER_NOT_RUNNING,
  /** A ConnEstablish whose tls_cert_hash is not the certificate the sender presented on the TLS connection. */
  TLS_CERT_HASH_MISMATCH
}
