package io.logpipe.core.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.core.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogFramerTest {

  /** Records what the framer hands out. */
  static final class Recorder implements SyslogFramer.FrameSink {
    final List<String> frames = new ArrayList<>();
    final List<Boolean> truncated = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    boolean closeAsked;

    @Override
    public void frame(byte[] buf, int off, int len, boolean t) {
      frames.add(new String(buf, off, len, StandardCharsets.ISO_8859_1));
      truncated.add(t);
    }

    @Override
    public void protocolError(String reason, boolean closeConnection) {
      errors.add(reason);
      closeAsked |= closeConnection;
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String repeat(char c, int n) {
    char[] a = new char[n];
    Arrays.fill(a, c);
    return new String(a);
  }

  final Recorder out = new Recorder();

  SyslogFramer framer(int max) {
    return new SyslogFramer(new SyslogFramer.Options(max, 1000, false), out);
  }

  static boolean feed(SyslogFramer f, String s) {
    byte[] b = bytes(s);
    return f.feed(b, 0, b.length);
  }

  @Test
  void anOverlongLineIsCutAtTheLimitAndTheRestUpToLfIsDiscarded() {
    SyslogFramer f = framer(20);
    feed(f, "<13>" + repeat('a', 40) + "\n<13>next\n");
    assertThat(out.frames).containsExactly("<13>" + repeat('a', 16), "<13>next");
    assertThat(out.truncated).containsExactly(true, false);
    assertThat(f.discardedBytes()).isEqualTo(24);
    assertThat(f.truncatedFrames()).isEqualTo(1);
    assertThat(out.errors).isEmpty();
  }

  @Test
  void aOneMegabyteLineBecomesOneFlaggedRecordAndTheNextLineSurvives() {
    SyslogParser parser = new SyslogParser(SyslogParser.Options.defaults());
    List<LogRecord> records = new ArrayList<>();
    SyslogFramer f =
        new SyslogFramer(
            new SyslogFramer.FrameSink() {
              @Override
              public void frame(byte[] buf, int off, int len, boolean truncated) {
                records.add(parser.parse(buf, off, len, null, "192.0.2.10", truncated));
              }

              @Override
              public void protocolError(String reason, boolean close) {
                throw new AssertionError(reason);
              }
            });
    byte[] big = new byte[1024 * 1024];
    Arrays.fill(big, (byte) 'x');
    byte[] head = bytes("<13>Nov 26 11:00:00 host1 app: ");
    System.arraycopy(head, 0, big, 0, head.length);
    for (int off = 0; off < big.length; off += 8192) { // as a socket would deliver it
      f.feed(big, off, 8192);
      assertThat(f.bufferCapacity()).isLessThanOrEqualTo(SyslogFramer.DEFAULT_MAX_FRAME_BYTES + 1);
    }
    feed(f, "\n<13>Nov 26 11:00:01 host1 app: next\n");
    assertThat(records).hasSize(2);
    assertThat(records.get(0).problem().reason()).isEqualTo("truncated at 65536 bytes");
    assertThat(records.get(0).message()).hasSize(65536 - head.length);
    assertThat(records.get(0).host()).isEqualTo("host1");
    assertThat(records.get(1).message()).isEqualTo("next");
    assertThat(records.get(1).problem()).isNull();
    assertThat(f.discardedBytes()).isEqualTo(1024 * 1024 - 65536);
  }

  @Test
  void aLineOfExactlyTheLimitIsNotTruncatedWithOrWithoutCr() {
    SyslogFramer f = framer(20);
    String line = "<13>" + repeat('b', 16);
    feed(f, line + "\n" + line + "\r\n" + line + "c\n");
    assertThat(out.frames).containsExactly(line, line, line);
    assertThat(out.truncated).containsExactly(false, false, true);
    assertThat(f.discardedBytes()).isEqualTo(1);
  }

  @Test
  void aLargeOctetCountBelowTheHardLimitIsCutAndSkipped() {
    SyslogFramer f = framer(20);
    String body = "<13>" + repeat('c', 96);
    feed(f, "100 " + body + "6 <13>ok");
    assertThat(out.frames).containsExactly(body.substring(0, 20), "<13>ok");
    assertThat(out.truncated).containsExactly(true, false);
    assertThat(f.discardedBytes()).isEqualTo(80);
    assertThat(f.framing()).isEqualTo(SyslogFramer.Framing.OCTET_COUNTING);
  }

  @Test
  void anOctetCountAboveTheHardLimitClosesTheConnection() {
    SyslogFramer f = framer(20);
    assertThat(feed(f, "1001 <13>x")).isFalse();
    assertThat(out.closeAsked).isTrue();
    assertThat(out.errors)
        .containsExactly("octet count 1001 at stream byte 0 exceeds the limit of 1000");
    assertThat(feed(f, "5 <13>x")).isFalse();
    assertThat(out.frames).isEmpty();
    assertThat(f.bufferCapacity()).isZero();
  }

  @Test
  void theCve202224903OverflowClosesBeforeReadingTheBody() {
    SyslogFramer f = new SyslogFramer(out);
    assertThat(feed(f, "6 <13>ok99999999999999999999 <13>1 - - - - - - overflow")).isFalse();
    assertThat(out.frames).containsExactly("<13>ok");
    assertThat(out.errors).containsExactly("octet count at stream byte 8 has more than 9 digits");
    assertThat(out.closeAsked).isTrue();
  }

  @Test
  void nineDigitCountsAreCheckedAgainstTheLimitWithoutOverflow() {
    SyslogFramer f = new SyslogFramer(out);
    assertThat(feed(f, "999999999 ")).isFalse();
    assertThat(out.errors.get(0)).contains("999999999").contains("exceeds the limit");
  }

  @Test
  void aCutOctetFrameAtEndOfStreamIsHandedOutTruncated() {
    SyslogFramer f = new SyslogFramer(out);
    feed(f, "10 <13>a");
    f.endOfInput();
    assertThat(out.frames).containsExactly("<13>a");
    assertThat(out.truncated).containsExactly(true);
    assertThat(out.errors)
        .containsExactly(
            "stream ended 5 bytes short of the octet count 10 of the frame at stream byte 0");
    assertThat(out.closeAsked).isFalse();
  }

  @Test
  void anUnterminatedLastLineIsHandedOutWhole() {
    SyslogFramer f = new SyslogFramer(out);
    feed(f, "<13>a\n<13>b\r");
    f.endOfInput();
    assertThat(out.frames).containsExactly("<13>a", "<13>b");
    assertThat(out.truncated).containsExactly(false, false);
    f.endOfInput();
    assertThat(feed(f, "<13>c\n")).isFalse();
    assertThat(out.frames).hasSize(2);
  }

  @Test
  void nulEndsAFrameOnlyWhenConfigured() {
    SyslogFramer f = new SyslogFramer(new SyslogFramer.Options(100, 100, true), out);
    feed(f, "<13>a\0<13>b\0\n<13>c\n");
    assertThat(out.frames).containsExactly("<13>a", "<13>b", "<13>c");
    Recorder other = new Recorder();
    SyslogFramer g = new SyslogFramer(other);
    byte[] b = bytes("<13>a\0<13>b\n");
    g.feed(b, 0, b.length);
    assertThat(other.frames).containsExactly("<13>a\0<13>b");
  }

  @Test
  void aNonTransparentStreamKeepsItsFramingForLinesStartingWithDigits() {
    SyslogFramer f = new SyslogFramer(out);
    feed(f, "<13>a\n12 apples\n99999999999 ducks\n");
    assertThat(out.frames).containsExactly("<13>a", "12 apples", "99999999999 ducks");
    assertThat(out.errors).isEmpty();
  }

  @Test
  void aFirstLineStartingWithDigitsButNoSpaceIsALine() {
    SyslogFramer f = new SyslogFramer(out);
    feed(f, "2026-11-26 no PRI\n");
    assertThat(out.frames).containsExactly("2026-11-26 no PRI");
    assertThat(f.framing()).isEqualTo(SyslogFramer.Framing.NON_TRANSPARENT);
  }

  @Test
  void theBufferNeverGrowsBeyondTheLimitPlusOne() {
    SyslogFramer f = framer(1000);
    byte[] chunk = new byte[333];
    Arrays.fill(chunk, (byte) 'z');
    for (int k = 0; k < 30_000; k++) { // 10 MB without a line end
      f.feed(chunk, 0, chunk.length);
      assertThat(f.bufferCapacity()).isLessThanOrEqualTo(1001);
    }
    assertThat(out.frames).hasSize(1);
    assertThat(out.frames.get(0)).hasSize(1000);
    assertThat(f.discardedBytes()).isEqualTo(333L * 30_000 - 1000);
  }

  @Test
  void aLargeBufferIsDroppedAfterItsFrameSoIdleConnectionsStaySmall() {
    SyslogFramer f = new SyslogFramer(out);
    String big = "<13>" + repeat('q', 30_000);
    byte[] b = bytes(big + "\n");
    f.feed(b, 0, 10);
    f.feed(b, 10, b.length - 10);
    assertThat(out.frames).containsExactly(big);
    assertThat(f.bufferCapacity()).isZero();
  }

  @Test
  void framesInsideOneChunkAreHandedOutWithoutCopying() {
    byte[][] seen = new byte[1][];
    SyslogFramer f =
        new SyslogFramer(
            new SyslogFramer.FrameSink() {
              @Override
              public void frame(byte[] buf, int off, int len, boolean truncated) {
                seen[0] = buf;
              }

              @Override
              public void protocolError(String reason, boolean close) {}
            });
    byte[] in = bytes("5 <13>a");
    f.feed(in, 0, in.length);
    assertThat(seen[0]).isSameAs(in);
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> new SyslogFramer.Options(8, 100, false))
        .hasMessageContaining("maxFrameBytes");
    assertThatThrownBy(() -> new SyslogFramer.Options(100, 50, false))
        .hasMessageContaining("maxOctetCount");
    assertThatThrownBy(() -> new SyslogFramer.Options(100, 1_000_000_000, false))
        .hasMessageContaining("maxOctetCount");
  }
}
