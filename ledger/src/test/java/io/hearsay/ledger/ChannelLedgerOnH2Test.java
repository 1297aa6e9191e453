package io.hearsay.ledger;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The whole channel-ledger suite on pekko-persistence-jdbc with embedded H2
 * ({@code hearsay-ledger-h2.conf}), proving the journal can be swapped by config.
 */
class ChannelLedgerOnH2Test extends ChannelLedgerTest {

  @Override
  protected Config backend() {
    return ConfigFactory.parseResources("hearsay-ledger-h2.conf");
  }

  @Override
  protected boolean onBlockFiles() {
    return false;
  }
}
