package io.logpipe.core.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the framer on hostile streams and on valid ones cut at random places. */
class SyslogFramerPropertyTest {

  /** Everything the framer does, as text, so that two runs can be compared. */
  static final class Transcript implements SyslogFramer.FrameSink {
    final int max;
    final StringBuilder events = new StringBuilder();
    final List<byte[]> frames = new ArrayList<>();
    final List<Boolean> truncated = new ArrayList<>();
    int closeRequests;

    Transcript(int max) {
      this.max = max;
    }

    @Override
    public void frame(byte[] buf, int off, int len, boolean t) {
      assertThat(len).isBetween(1, max);
      byte[] copy = Arrays.copyOfRange(buf, off, off + len);
      frames.add(copy);
      truncated.add(t);
      events.append(t ? "T " : "F ").append(Base64.getEncoder().encodeToString(copy)).append('\n');
    }

    @Override
    public void protocolError(String reason, boolean close) {
      if (close) {
        closeRequests++;
      }
      events.append(close ? "C " : "E ").append(reason).append('\n');
    }
  }

  static Transcript run(byte[] stream, List<Integer> chunks, SyslogFramer.Options options) {
    Transcript t = new Transcript(options.maxFrameBytes());
    SyslogFramer f = new SyslogFramer(options, t);
    int off = 0;
    int k = 0;
    boolean open = true;
    while (off < stream.length) {
      int n =
          chunks.isEmpty()
              ? stream.length
              : Math.min(chunks.get(k++ % chunks.size()), stream.length - off);
      boolean before = open;
      open = f.feed(stream, off, n);
      assertThat(f.bufferCapacity()).isLessThanOrEqualTo(options.maxFrameBytes() + 1);
      if (!before) {
        assertThat(open).isFalse();
      }
      off += n;
    }
    f.endOfInput();
    assertThat(f.bufferCapacity()).isZero();
    assertThat(t.closeRequests).isLessThanOrEqualTo(1);
    t.events
        .append(f.framing())
        .append(" frames=")
        .append(f.frames())
        .append(" truncated=")
        .append(f.truncatedFrames())
        .append(" discarded=")
        .append(f.discardedBytes())
        .append(" errors=")
        .append(f.protocolErrors());
    assertThat(f.frames()).isEqualTo(t.frames.size());
    return t;
  }

  @Property(tries = 3000)
  void hostileStreamsNeverThrowAndStayBoundedWhateverTheChunks(
      @ForAll("streams") byte[] stream,
      @ForAll("chunks") List<Integer> chunks,
      @ForAll("options") SyslogFramer.Options options) {
    Transcript whole = run(stream, List.of(), options);
    Transcript cut = run(stream, chunks, options);
    assertThat(cut.events.toString()).isEqualTo(whole.events.toString());
    Transcript bytewise = run(stream, List.of(1), options);
    assertThat(bytewise.events.toString()).isEqualTo(whole.events.toString());
  }

  @Property(tries = 1000)
  void arbitraryBytesNeverThrow(
      @ForAll @Size(max = 2000) byte[] stream, @ForAll("chunks") List<Integer> chunks) {
    SyslogFramer.Options options = new SyslogFramer.Options(64, 128, false);
    assertThat(run(stream, chunks, options).events.toString())
        .isEqualTo(run(stream, List.of(), options).events.toString());
  }

  @Property(tries = 1000)
  void octetCountedMessagesComeOutAsSentOrCutAtTheLimit(
      @ForAll("messages") List<byte[]> messages,
      @ForAll("chunks") List<Integer> chunks,
      @ForAll @IntRange(min = 16, max = 300) int max) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    long longer = 0;
    for (byte[] m : messages) {
      stream.writeBytes((m.length + " ").getBytes(StandardCharsets.US_ASCII));
      stream.writeBytes(m);
      longer += Math.max(0, m.length - max);
    }
    Transcript t = run(stream.toByteArray(), chunks, new SyslogFramer.Options(max, 100_000, false));
    assertThat(t.frames).hasSameSizeAs(messages);
    for (int k = 0; k < messages.size(); k++) {
      byte[] m = messages.get(k);
      assertThat(t.frames.get(k)).isEqualTo(Arrays.copyOf(m, Math.min(max, m.length)));
      assertThat(t.truncated.get(k)).isEqualTo(m.length > max);
    }
    assertThat(t.events.toString()).endsWith("discarded=" + longer + " errors=0");
  }

  @Property(tries = 1000)
  void linesComeOutAsSentOrCutAtTheLimit(
      @ForAll("lines") List<byte[]> lines,
      @ForAll("chunks") List<Integer> chunks,
      @ForAll @IntRange(min = 16, max = 300) int max,
      @ForAll boolean crlf) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      stream.writeBytes(line);
      stream.writeBytes(crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
    }
    Transcript t = run(stream.toByteArray(), chunks, new SyslogFramer.Options(max, max, false));
    assertThat(t.frames).hasSameSizeAs(lines);
    for (int k = 0; k < lines.size(); k++) {
      byte[] line = lines.get(k);
      assertThat(t.frames.get(k)).isEqualTo(Arrays.copyOf(line, Math.min(max, line.length)));
      assertThat(t.truncated.get(k)).isEqualTo(line.length > max);
    }
  }

  // ---- generators -----------------------------------------------------------------------------

  /** Streams from the bytes that matter to framing, with runs of digits to make counts. */
  @Provide
  Arbitrary<byte[]> streams() {
    Arbitrary<byte[]> piece =
        Arbitraries.oneOf(
            Arbitraries.of("<13>", "\n", "\r\n", " ", "\0", "abc", "<", "12 ", "5 <13>x")
                .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)),
            Arbitraries.integers()
                .between(0, 400)
                .map(n -> (n + " ").getBytes(StandardCharsets.ISO_8859_1)),
            Arbitraries.strings()
                .numeric()
                .ofMinLength(1)
                .ofMaxLength(22)
                .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
            Arbitraries.integers()
                .between(1, 300)
                .map(
                    n -> {
                      byte[] run = new byte[n];
                      Arrays.fill(run, (byte) 'x');
                      return run;
                    }));
    return piece
        .list()
        .ofMaxSize(40)
        .map(
            pieces -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              pieces.forEach(out::writeBytes);
              return out.toByteArray();
            });
  }

  @Provide
  Arbitrary<List<Integer>> chunks() {
    return Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(10);
  }

  @Provide
  Arbitrary<SyslogFramer.Options> options() {
    return Arbitraries.integers()
        .between(16, 120)
        .flatMap(
            max ->
                Arbitraries.integers()
                    .between(max, 500)
                    .flatMap(
                        count ->
                            Arbitraries.of(true, false)
                                .map(nul -> new SyslogFramer.Options(max, count, nul))));
  }

  @Provide
  Arbitrary<List<byte[]>> messages() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(400).list().ofMaxSize(8);
  }

  /** Non-empty lines without LF that do not end in CR and start with '<' (not a digit). */
  @Provide
  Arbitrary<List<byte[]>> lines() {
    return Arbitraries.bytes()
        .filter(b -> b != '\n')
        .array(byte[].class)
        .ofMaxSize(400)
        .map(
            body -> {
              byte[] line = new byte[body.length + 2];
              line[0] = '<';
              System.arraycopy(body, 0, line, 1, body.length);
              line[line.length - 1] = '>';
              return line;
            })
        .list()
        .ofMaxSize(8);
  }
}
