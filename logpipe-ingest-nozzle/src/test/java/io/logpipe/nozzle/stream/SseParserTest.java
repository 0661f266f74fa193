package io.logpipe.nozzle.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  final List<String> events = new ArrayList<>();
  final List<Long> oversized = new ArrayList<>();
  final SseParser parser =
      new SseParser(
          64,
          new SseParser.Listener() {
            @Override
            public void onEvent(String type, byte[] data, int length) {
              events.add(type + "|" + new String(data, 0, length, StandardCharsets.UTF_8));
            }

            @Override
            public void onOversized(long bytes) {
              oversized.add(bytes);
            }
          });

  void feed(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    parser.feed(b, 0, b.length);
  }

  /** Feeds the text one byte at a time, so that every split point is tried. */
  void feedBytewise(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      parser.feed(b, i, 1);
    }
  }

  static final String GATEWAY_STREAM =
      "data: {\"batch\":[]}\n\n"
          + "event: heartbeat\ndata: 1700000000\n\n"
          + ": a comment\n"
          + "data: {\"batch\":\n"
          + "data: [1]}\n\n"
          + "event: closing\ndata: closing due to stream timeout\n\n";

  @Test
  void readsTheGatewaysEventsWhateverTheChunking() {
    feed(GATEWAY_STREAM);
    List<String> whole = List.copyOf(events);
    events.clear();
    feedBytewise(GATEWAY_STREAM);
    assertThat(events).isEqualTo(whole);
    assertThat(whole)
        .containsExactly(
            "null|{\"batch\":[]}",
            "heartbeat|1700000000",
            "null|{\"batch\":\n[1]}",
            "closing|closing due to stream timeout");
  }

  @Test
  void acceptsCrLfAndLoneCrLineEndsAndNoSpaceAfterTheColon() {
    feedBytewise("data:a\r\n\r\nevent:message\rdata: b\r\r");
    assertThat(events).containsExactly("null|a", "null|b");
  }

  @Test
  void ignoresUnknownFieldsAndTheOldHeartbeatLine() {
    feed("id: 7\nretry: 10\nheartbeat: 1700000000\n\ndata: x\n\n");
    assertThat(events).containsExactly("null|x");
  }

  @Test
  void skipsAnOversizedEventAndGoesOn() {
    feed("data: " + "x".repeat(100) + "\n\ndata: small\n\n");
    assertThat(oversized).containsExactly(100L);
    assertThat(events).containsExactly("null|small");
    assertThat(parser.buffered()).isZero();
  }
}
