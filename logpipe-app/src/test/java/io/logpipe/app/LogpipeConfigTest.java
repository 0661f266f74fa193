package io.logpipe.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.logpipe.core.config.ConfigException;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import io.logpipe.core.config.HostPort;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogpipeConfigTest {

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(LogpipeConfigTest.class.getResource("/config/" + name).toURI());
  }

  @Test
  void theDefaultsFileIsExactlyTheBuiltInDefaults() {
    String text = LogpipeConfig.defaultsText();
    ConfigNode root = ConfigNode.root(ConfigFiles.parse(text, "defaults"), Map.of(), "defaults");
    LogpipeConfig fromFile = LogpipeConfig.from(root);
    assertThat(fromFile).isEqualTo(LogpipeConfig.load(null, Map.of()));

    // Every key logpipe reads is in the file, and every key in the file is read.
    Set<String> inFile = new TreeSet<>();
    leaves("", ConfigFiles.parse(text, "defaults"), inFile);
    assertThat(inFile).isEqualTo(new TreeSet<>(root.readPaths()));
  }

  private static void leaves(String prefix, JsonNode n, Set<String> out) {
    if (n.isObject() && !prefix.endsWith("client_properties")) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        leaves(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else {
      out.add(prefix);
    }
  }

  @Test
  void defaultsAreSafe() {
    LogpipeConfig c = LogpipeConfig.load(null, Map.of());
    assertThat(c.kafka().useEmbedded()).isTrue();
    assertThat(c.kafka().embedded().listen()).isEqualTo(new HostPort("127.0.0.1", 9092));
    assertThat(c.http().listen()).isEqualTo(new HostPort("127.0.0.1", 8080));
    assertThat(c.embeddedKafkaDir()).isEqualTo(Path.of("data/kafka"));
    assertThat(c.kafka().topics().app().name()).isEqualTo("logs.app");
    assertThat(c.kafka().topics().replicationFactor()).isEqualTo(3);
    assertThat(c.kafka().topics().minInsyncReplicas()).isEqualTo(2);
    assertThat(c.syslog().udp().listen()).isEqualTo(new HostPort("127.0.0.1", 5514));
    assertThat(c.syslog().tcp().listen()).isEqualTo(new HostPort("127.0.0.1", 5514));
    assertThat(c.syslog().tls().enabled()).isFalse();
    assertThat(c.archiveSettings().store()).isEqualTo("filesystem");
    assertThat(c.archiveSettings().directory()).isEqualTo(Path.of("data/archive"));
    assertThat(c.archiveSettings().stagingDir()).isEqualTo(Path.of("data/archive-staging"));
    assertThat(c.archiveSettings().topics()).containsExactly("logs.app", "logs.component");
    assertThat(c.archiveSettings().compression()).isEqualTo("zstd");
  }

  @Test
  void upRunsTheNozzleOnlyWhenAStreamIsConfigured() {
    Set<Role> withoutNozzle = Role.all();
    withoutNozzle.remove(Role.NOZZLE);
    assertThat(Role.forUp(LogpipeConfig.load(null, Map.of()))).isEqualTo(withoutNozzle);
    LogpipeConfig withStream =
        LogpipeConfig.load(
            null,
            Map.of(
                "LOGPIPE_NOZZLE_URL", "https://log-stream.sys.example.com",
                "LOGPIPE_NOZZLE_UAA_URL", "https://uaa.sys.example.com",
                "LOGPIPE_NOZZLE_UAA_CLIENT_ID", "logpipe",
                "LOGPIPE_NOZZLE_UAA_CLIENT_SECRET", "secret"));
    assertThat(Role.forUp(withStream)).contains(Role.NOZZLE);
    assertThat(withStream.toString())
        .contains("clientSecret=(secret)")
        .doesNotContain("clientSecret=secret");
  }

  @Test
  void syslogOverTlsWithoutCertificatesIsAProblemWithItsKeyPath() {
    assertThatThrownBy(() -> LogpipeConfig.load(null, Map.of("LOGPIPE_SYSLOG_TLS_ENABLED", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "syslog.tls.cert_file: required when syslog.tls.enabled is true (a PEM file)")
        .hasMessageContaining(
            "syslog.tls.key_file: required when syslog.tls.enabled is true (a PEM file)");
  }

  @Test
  void aGoodFileIsRead() throws Exception {
    LogpipeConfig c = LogpipeConfig.load(fixture("good.yaml"), Map.of());
    assertThat(c.kafka().bootstrapServers()).containsExactly("kafka-1:9092", "kafka-2:9092");
    assertThat(c.kafka().clientProperties()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(c.kafka().topics().app().partitions()).isEqualTo(24);
    assertThat(c.kafka().topics().component().partitions()).isEqualTo(6);
    assertThat(c.datacenter()).isEqualTo("eu-west-1");
    assertThat(c.http().listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
  }

  @ParameterizedTest
  @ValueSource(strings = {"broken-values", "typos", "wrong-shapes", "syntax"})
  void brokenFilesReportEveryProblemWithItsKeyPath(String name) throws Exception {
    Path file = fixture(name + ".yaml");
    String expected =
        Files.readString(fixture(name + ".expected"), StandardCharsets.UTF_8)
            .replace(name + ".yaml has", file + " has")
            .stripTrailing();
    assertThatThrownBy(() -> LogpipeConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(expected);
  }

  @Test
  void environmentVariablesOverrideTheFile() throws Exception {
    LogpipeConfig c =
        LogpipeConfig.load(
            fixture("good.yaml"),
            Map.of(
                "LOGPIPE_KAFKA_BOOTSTRAP_SERVERS", "a:1, b:2",
                "LOGPIPE_HTTP_MAX_REQUEST_SIZE", "2MiB",
                "LOGPIPE_KAFKA_TOPICS_APP_PARTITIONS", "12",
                "LOGPIPE_KAFKA_PRODUCER_LINGER", "20ms",
                "LOGPIPE_KAFKA_CLIENT_PROPERTIES", "security.protocol=SSL,ssl.truststore.type=PEM",
                "PATH", "/usr/bin"));
    assertThat(c.kafka().bootstrapServers()).containsExactly("a:1", "b:2");
    assertThat(c.http().maxRequestSize()).isEqualTo(DataSize.ofMebibytes(2));
    assertThat(c.kafka().topics().app().partitions()).isEqualTo(12);
    assertThat(c.kafka().producer().linger()).isEqualTo(Duration.ofMillis(20));
    assertThat(c.kafka().clientProperties())
        .isEqualTo(Map.of("security.protocol", "SSL", "ssl.truststore.type", "PEM"));
  }

  @Test
  void badEnvironmentValuesAndUnknownVariablesAreReported() {
    assertThatThrownBy(
            () ->
                LogpipeConfig.load(
                    null,
                    Map.of(
                        "LOGPIPE_HTTP_LISTEN", "8080",
                        "LOGPIPE_KAFKA_BOOTSTRAP", "x:1",
                        "LOGPIPE_HOME", "/opt/logpipe")))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems())
        .isEqualTo(
            List.of(
                "http.listen (from LOGPIPE_HTTP_LISTEN): \"8080\" is not host:port (example: 127.0.0.1:8080)",
                "LOGPIPE_KAFKA_BOOTSTRAP: environment variable names no configuration key (see"
                    + " `logpipe config defaults`)"));
  }

  @Test
  void reservedClientPropertiesAreRefused() throws IOException {
    assertThatThrownBy(
            () ->
                LogpipeConfig.from(
                    ConfigNode.root(
                        ConfigFiles.parse("kafka: {client_properties: {acks: '1'}}", "t"),
                        Map.of(),
                        "t")))
        .hasMessageContaining(
            "kafka.client_properties.acks: set by logpipe (acks=all with idempotence is the delivery contract)");
  }
}
