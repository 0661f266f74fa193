package io.logpipe.nozzle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.core.config.ConfigException;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.nozzle.envelope.EnvelopeType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NozzleSettingsTest {
  static NozzleSettings read(String yaml, Map<String, String> env) {
    ConfigNode root = ConfigNode.root(ConfigFiles.parse("nozzle: " + yaml, "test"), env, "test");
    NozzleSettings s = NozzleSettings.from(root.section("nozzle"));
    root.finish();
    return s;
  }

  @Test
  void withoutAUrlTheNozzleIsNotConfiguredAndNeedsNothingElse() {
    NozzleSettings s = read("{}", Map.of());
    assertThat(s.configured()).isFalse();
    assertThat(s.eventTypes()).isEqualTo(Set.of(EnvelopeType.LOG));
    assertThat(s.api()).isEqualTo(NozzleSettings.Api.V2);
    assertThat(s.queueCapacity()).isEqualTo(20_000);
  }

  @Test
  void aUrlNeedsUaaCredentialsAndEveryProblemIsReportedWithItsKeyPath() {
    assertThatThrownBy(
            () ->
                read(
                    "{url: 'wss://doppler.sys.example.com:443', event_types: [log, metrics],"
                        + " reconnect: {initial_backoff: 2s, max_backoff: 1s}}",
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "nozzle.url: \"wss://doppler.sys.example.com:443\" is not a https or http URL (nozzle.api is v2)")
        .hasMessageContaining(
            "nozzle.event_types: \"metrics\" is not one of log, counter, gauge, timer, event")
        .hasMessageContaining("nozzle.reconnect.max_backoff: 1s is shorter than initial_backoff 2s")
        .hasMessageContaining("nozzle.uaa.url: required when nozzle.url is set")
        .hasMessageContaining("nozzle.uaa.client_id: required when nozzle.url is set")
        .hasMessageContaining("nozzle.uaa.client_secret: required when nozzle.url is set");
  }

  @Test
  void theSecretComesFromTheEnvironmentAndIsNeverPrinted() {
    NozzleSettings s =
        read(
            "{api: v1, url: 'wss://doppler.sys.example.com:443', uaa: {url: 'https://uaa.sys.example.com',"
                + " client_id: nozzle}}",
            Map.of("LOGPIPE_NOZZLE_UAA_CLIENT_SECRET", "hunter2"));
    assertThat(s.uaa().clientSecret().value()).isEqualTo("hunter2");
    assertThat(s.toString()).doesNotContain("hunter2").contains("(secret)");
  }

  @Test
  void sourceIdsAreAV2Feature() {
    assertThatThrownBy(() -> read("{api: v1, source_ids: [a]}", Map.of()))
        .hasMessageContaining("nozzle.source_ids: only the v2 API reads chosen source ids");
  }
}
