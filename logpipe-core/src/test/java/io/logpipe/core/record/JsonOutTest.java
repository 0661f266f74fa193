package io.logpipe.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The hand-written encoder escapes exactly as Jackson does, and its output reads back. */
class JsonOutTest {
  static final ObjectMapper MAPPER = new ObjectMapper();

  @Provide
  Arbitrary<String> logText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(200),
        Arbitraries.strings().withChars("\"\\/\b\f\n\r\t\u001b\u007f\u2028 aé日😀").ofMaxLength(60));
  }

  @Property(tries = 2000)
  void escapesLikeJacksonForWellFormedText(@ForAll("logText") String s) throws IOException {
    if (hasLoneSurrogate(s)) {
      return;
    }
    JsonOut out = new JsonOut(16);
    out.escaped(s);
    assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(jackson(s));
  }

  @Property(tries = 2000)
  void everyRecordReadsBackUnchanged(
      @ForAll("logText") String message, @ForAll("logText") String host) {
    LogRecord r =
        LogRecord.component()
            .times(Instant.parse("2026-11-26T10:00:00.000001Z"))
            .host(host)
            .message(message)
            .tag(host, message)
            .build();
    byte[] json = LogRecordJson.encode(r);
    LogRecord back = LogRecordJson.decode(json);
    if (hasLoneSurrogate(message) || hasLoneSurrogate(host)) {
      // A lone surrogate has no UTF-8 form; it becomes U+FFFD and the rest is kept.
      assertThat(back.message()).isEqualTo(replaceLoneSurrogates(message));
      assertThat(back.host()).isEqualTo(replaceLoneSurrogates(host));
    } else {
      assertThat(back).isEqualTo(r);
    }
  }

  @Test
  void loneSurrogatesBecomeTheReplacementCharacter() throws IOException {
    JsonOut out = new JsonOut(4);
    out.escaped("a\uD800b\uDC00");
    String json = new String(out.toByteArray(), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("a\uFFFDb\uFFFD");
    assertThat(MAPPER.readValue("\"" + json + "\"", String.class)).isEqualTo("a\uFFFDb\uFFFD");
  }

  static String jackson(String s) throws IOException {
    ByteArrayBuilder b = new ByteArrayBuilder();
    try (JsonGenerator g = LogRecordJson.FACTORY.createGenerator(b)) {
      g.writeString(s);
    }
    String quoted = new String(b.toByteArray(), StandardCharsets.UTF_8);
    return quoted.substring(1, quoted.length() - 1);
  }

  static String replaceLoneSurrogates(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
