package io.logpipe.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Property
  void formatsExactlyLikeInstantToStringAndParsesBack(
      @ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long seconds,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
    Instant t = Instant.ofEpochSecond(seconds, nanos);
    assertThat(Timestamps.format(t)).isEqualTo(t.toString());
    assertThat(Timestamps.parse(t.toString())).isEqualTo(t);
    byte[] b = new byte[3 + Timestamps.MAX_LENGTH];
    int end = Timestamps.write(b, 3, t);
    assertThat(new String(b, 3, end - 3, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo(t.toString());
  }

  @Test
  void yearsPastTheFastRangeAreLeftToInstantToString() {
    Instant far = Instant.parse("+10000-01-01T00:00:00Z");
    assertThat(Timestamps.write(new byte[Timestamps.MAX_LENGTH], 0, far)).isEqualTo(-1);
    assertThat(Timestamps.format(far)).isEqualTo(far.toString());
  }

  @Test
  void parsesOffsetsAndShortFractions() {
    assertThat(Timestamps.parse("2026-11-26T10:15:30.1Z"))
        .isEqualTo(Instant.parse("2026-11-26T10:15:30.100Z"));
    assertThat(Timestamps.parse("2026-11-26T12:15:30.000001+02:00"))
        .isEqualTo(Instant.parse("2026-11-26T10:15:30.000001Z"));
    assertThat(Timestamps.parse("2024-02-29T00:00:00Z"))
        .isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
  }

  @Test
  void rejectsImpossibleDates() {
    assertThatThrownBy(() -> Timestamps.parse("2026-02-29T00:00:00Z"))
        .isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> Timestamps.parse("2026-13-01T00:00:00Z"))
        .isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> Timestamps.parse("2026-11-26 10:15:30"))
        .isInstanceOf(DateTimeException.class);
  }
}
