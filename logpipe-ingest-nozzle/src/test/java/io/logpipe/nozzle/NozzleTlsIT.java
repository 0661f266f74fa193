package io.logpipe.nozzle;

import static io.logpipe.nozzle.NozzleTestBed.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logpipe.core.config.Secret;
import io.logpipe.nozzle.fake.FakeCloudController;
import io.logpipe.nozzle.fake.FakeRlpGateway;
import io.logpipe.nozzle.fake.FakeTrafficController;
import io.logpipe.nozzle.fake.FakeUaa;
import io.logpipe.nozzle.fake.PlatformCertificates;
import io.logpipe.nozzle.fake.PlatformCertificates.ServerIdentity;
import io.logpipe.nozzle.platform.PlatformTls;
import io.logpipe.nozzle.platform.TokenException;
import io.logpipe.nozzle.platform.UaaTokenSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The nozzle's TLS paths against the fakes served over HTTPS and WSS with certificates made at test
 * time: the RLP gateway, the traffic controller, UAA and the Cloud Controller trusted through
 * {@code nozzle.tls.ca_file}; a certificate from another CA or for another host name refused,
 * counted and retried; {@code skip_verify} accepting it.
 */
class NozzleTlsIT extends WithNozzleBed {
  static final Clock CLOCK = Clock.systemUTC();

  static PlatformCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = PlatformCertificates.create(dir.resolve("certs"));
  }

  static LoggregatorEnvelope.Envelope v2Log(String app, String text) {
    return RlpGatewayNozzleIT.log(app, "0", text, false);
  }

  /**
   * UAA, the Cloud Controller (which knows {@code app}) and the gateway, each on its certificate.
   */
  record Platform(FakeUaa uaa, FakeCloudController cc, FakeRlpGateway gateway, String app)
      implements AutoCloseable {
    static Platform serve(ServerIdentity uaaTls, ServerIdentity ccTls, ServerIdentity gatewayTls)
        throws Exception {
      FakeUaa uaa = new FakeUaa(CLOCK, uaaTls);
      FakeCloudController cc = new FakeCloudController(uaa, ccTls);
      String app = UUID.randomUUID().toString();
      cc.add(new FakeCloudController.App(app, "checkout", "space-1", "prod", "org-1", "shop"));
      return new Platform(uaa, cc, new FakeRlpGateway(uaa, CLOCK, gatewayTls), app);
    }

    @Override
    public void close() {
      gateway.close();
      cc.close();
      uaa.close();
    }
  }

  /** A nozzle on the platform's gateway with this trust and names from its Cloud Controller. */
  SimpleMeterRegistry nozzle(Platform p, String tls, String shard, String ccExtra) {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    bed.nozzle(
        settings(
            p.gateway().url().toString(),
            tls,
            p.uaa(),
            ", shard_id: "
                + shard
                + ", cloud_controller: {url: '"
                + p.cc().url()
                + "'"
                + ccExtra
                + "}"),
        reg,
        CLOCK);
    await().until(() -> p.gateway().subscribers(shard) == 1);
    return reg;
  }

  /** A v1 nozzle on the traffic controller at {@code url} with this trust, once it subscribed. */
  SimpleMeterRegistry firehoseNozzle(
      FakeTrafficController tc, URI url, String tls, FakeUaa uaa, String shard) {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    bed.nozzle(settings(url.toString(), tls, uaa, ", api: v1, shard_id: " + shard), reg, CLOCK);
    await().until(() -> tc.subscribers(shard) == 1);
    return reg;
  }

  /** Publishes until a record named by the Cloud Controller reaches Kafka (names come later). */
  void awaitNamedRecord(Platform p, String text) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              p.gateway().publish(v2Log(p.app(), text));
              return recordsOf(p.app()).stream().anyMatch(r -> "checkout".equals(r.appName()));
            });
  }

  /** Settings for a stream at {@code url} with this trust, quick reconnects. */
  NozzleSettings settings(String url, String tls, FakeUaa uaa, String extra) {
    return bed.settings(
        "{url: '"
            + url
            + "', tls: "
            + tls
            + ", reconnect: {initial_backoff: 50ms, max_backoff: 500ms}"
            + extra
            + "}",
        uaa);
  }

  String caFile() {
    return "{ca_file: '" + certs.ca() + "'}";
  }

  static String skipVerify() {
    return "{skip_verify: true}";
  }

  ServerIdentity identity(String name) {
    return name.equals("stranger") ? certs.stranger() : certs.wrongName();
  }

  @Test
  void recordsFlowFromTheGatewayOverHttpsWithTokenAndNamesOverHttpsTrustingTheCaFile()
      throws Exception {
    try (Platform p = Platform.serve(certs.trusted(), certs.trusted(), certs.trusted())) {
      assertThat(p.gateway().url().getScheme()).isEqualTo("https");
      SimpleMeterRegistry reg = nozzle(p, caFile(), "https", "");
      awaitNamedRecord(p, "over https");
      assertThat(recordsOf(p.app())).allMatch(r -> r.message().equals("over https"));
      assertThat(p.uaa().issued()).isPositive();
      assertThat(p.cc().requests()).isPositive();
      assertThat(count(reg, "logpipe.nozzle.reconnects", "reason", "tls")).isZero();
    }
  }

  @Test
  void recordsFlowFromTheFirehoseOverWssTrustingTheCaFile() throws Exception {
    String app = UUID.randomUUID().toString();
    try (FakeUaa uaa = new FakeUaa(CLOCK, certs.trusted());
        FakeTrafficController tc = new FakeTrafficController(uaa, certs.trusted())) {
      assertThat(tc.url().getScheme()).isEqualTo("wss");
      SimpleMeterRegistry reg = firehoseNozzle(tc, tc.url(), caFile(), uaa, "wss");
      tc.publish(FirehoseNozzleIT.log(app, "over wss"));
      await().until(() -> recordsOf(app).size() == 1);
      assertThat(recordsOf(app).get(0).message()).isEqualTo("over wss");
      // The traffic controller pings over TLS too, and the pong comes back.
      assertThat(count(reg, "logpipe.nozzle.reconnects", "reason", "tls")).isZero();
    }
  }

  @Test
  void anIpv6LiteralHostWorksForHttpsAndWssWithTheHostNameChecked() throws Exception {
    String app = UUID.randomUUID().toString();
    try (FakeUaa uaa = new FakeUaa(CLOCK, certs.trusted());
        FakeRlpGateway g = new FakeRlpGateway(uaa, CLOCK, certs.trusted());
        FakeTrafficController tc = new FakeTrafficController(uaa, certs.trusted());
        FakeRlpGateway strange = new FakeRlpGateway(uaa, CLOCK, certs.wrongName())) {
      Assumptions.assumeTrue(g.ipv6(), "this host has no IPv6 loopback (::1)");
      assertThat(g.url6().toString()).startsWith("https://[::1]:");
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(settings(g.url6().toString(), caFile(), uaa, ", shard_id: six"), reg, CLOCK);
      await().until(() -> g.subscribers("six") == 1);
      g.publish(v2Log(app, "over https to [::1]"));
      firehoseNozzle(tc, tc.url6(), caFile(), uaa, "six");
      tc.publish(FirehoseNozzleIT.log(app, "over wss to [::1]"));
      await()
          .until(
              () -> recordsOf(app).stream().map(r -> r.message()).toList(),
              m -> m.containsAll(List.of("over https to [::1]", "over wss to [::1]")));
      assertThat(count(reg, "logpipe.nozzle.reconnects", "reason", "tls")).isZero();

      // The certificate must name ::1: one for another host is refused there too.
      SimpleMeterRegistry refused = new SimpleMeterRegistry();
      bed.nozzle(settings(strange.url6().toString(), caFile(), uaa, ""), refused, CLOCK);
      await().until(() -> count(refused, "logpipe.nozzle.reconnects", "reason", "tls") >= 2);
      assertThat(strange.requests()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"stranger", "wrong-name"})
  void aGatewayCertificateTheCaFileDoesNotVouchForIsRefusedCountedAndRetried(String name)
      throws Exception {
    try (CapturedLogs logs = new CapturedLogs();
        FakeUaa uaa = new FakeUaa(CLOCK, certs.trusted());
        FakeRlpGateway g = new FakeRlpGateway(uaa, CLOCK, identity(name))) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      Nozzle n = bed.nozzle(settings(g.url().toString(), caFile(), uaa, ""), reg, CLOCK);
      // Refused at the handshake, before any request: the token never reaches the impostor.
      await().until(() -> count(reg, "logpipe.nozzle.reconnects", "reason", "tls") >= 3);
      assertThat(g.requests()).isEmpty();
      assertThat(n.connectedStreams()).isZero();
      assertThat(count(reg, "logpipe.nozzle.reconnects", "reason", "error")).isZero();
      // The log says what failed and what to check, once, not once per attempt.
      assertThat(logs.lines(l -> l.startsWith("WARN") && l.contains(g.url().getAuthority())))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .startsWith("WARN LogStream - v2#1 could not stream from " + g.url())
                      .contains("(tls: the TLS handshake failed")
                      .contains("nozzle.tls.ca_file")
                      .contains("attempt 1 failed"));
    }
  }

  @Test
  void skipVerifyAcceptsAnyGatewayUaaAndCloudControllerCertificate() throws Exception {
    try (CapturedLogs logs = new CapturedLogs();
        Platform p = Platform.serve(certs.stranger(), certs.wrongName(), certs.stranger())) {
      SimpleMeterRegistry reg = nozzle(p, skipVerify(), "skip", "");
      awaitNamedRecord(p, "unverified");
      assertThat(count(reg, "logpipe.nozzle.reconnects", "reason", "tls")).isZero();
      // Accepting any certificate is never silent.
      assertThat(logs.lines(l -> l.contains("skip_verify")))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .startsWith("WARN PlatformTls - nozzle.tls.skip_verify is set")
                      .contains("use it only on test foundations"));
    }
  }

  @Test
  void aFirehoseFromAnotherCaIsRefusedWithTheCaFileAndAcceptedWithSkipVerify() throws Exception {
    String app = UUID.randomUUID().toString();
    try (FakeUaa uaa = new FakeUaa(CLOCK, certs.trusted());
        FakeTrafficController tc = new FakeTrafficController(uaa, certs.stranger())) {
      SimpleMeterRegistry refused = new SimpleMeterRegistry();
      Nozzle n =
          bed.nozzle(
              settings(tc.url().toString(), caFile(), uaa, ", api: v1, shard_id: strict"),
              refused,
              CLOCK);
      await().until(() -> count(refused, "logpipe.nozzle.reconnects", "reason", "tls") >= 3);
      assertThat(tc.requests()).isEmpty();
      bed.closeNozzle(n);

      firehoseNozzle(tc, tc.url(), skipVerify(), uaa, "lax");
      tc.publish(FirehoseNozzleIT.log(app, "unverified wss"));
      await().until(() -> recordsOf(app).size() == 1);
    }
  }

  @Test
  void uaaWithAnUntrustedCertificateIsAClearTokenErrorAndTheStreamKeepsAsking() throws Exception {
    try (FakeUaa uaa = new FakeUaa(CLOCK, certs.stranger());
        FakeRlpGateway g = new FakeRlpGateway(uaa, CLOCK, certs.trusted())) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      Nozzle n = bed.nozzle(settings(g.url().toString(), caFile(), uaa, ""), reg, CLOCK);
      await()
          .until(
              () ->
                  count(reg, "logpipe.nozzle.token.fetches", "outcome", "error") >= 3
                      && count(reg, "logpipe.nozzle.reconnects", "reason", "token") >= 3);
      assertThat(uaa.issued()).isZero();
      assertThat(g.requests()).isEmpty();
      assertThat(n.connectedStreams()).isZero();

      // What the log line says (the stream logs the token error with its attempt).
      HttpClient http =
          HttpClient.newBuilder()
              .sslContext(new PlatformTls(new NozzleSettings.Tls(certs.ca(), false)).jdkContext())
              .build();
      UaaTokenSource tokens =
          new UaaTokenSource(
              uaa.url(),
              FakeUaa.CLIENT,
              new Secret(FakeUaa.SECRET),
              Duration.ofMinutes(1),
              http,
              Duration.ofSeconds(10),
              CLOCK,
              new NozzleMetrics(new SimpleMeterRegistry(), "v2"));
      assertThatThrownBy(tokens::authorization)
          .isInstanceOf(TokenException.class)
          .hasMessageStartingWith("UAA " + uaa.url() + "/oauth/token: the TLS handshake failed: ")
          .hasMessageContaining("nozzle.tls.ca_file");
    }
  }

  @Test
  void anUntrustedCloudControllerLeavesRecordsUnnamedAndCountsTheError() throws Exception {
    try (Platform p = Platform.serve(certs.trusted(), certs.stranger(), certs.trusted())) {
      SimpleMeterRegistry reg = nozzle(p, caFile(), "cc", ", error_backoff: 100ms");
      await()
          .until(
              () -> {
                p.gateway().publish(v2Log(p.app(), "unnamed"));
                return count(reg, "logpipe.nozzle.cloud.controller.requests", "outcome", "error")
                    >= 2;
              });
      await().until(() -> !recordsOf(p.app()).isEmpty());
      assertThat(recordsOf(p.app())).allMatch(r -> r.appName() == null);
      assertThat(p.cc().requests()).isZero();
    }
  }
}
