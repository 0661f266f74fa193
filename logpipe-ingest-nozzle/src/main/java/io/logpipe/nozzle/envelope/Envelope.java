package io.logpipe.nozzle.envelope;

import java.util.Map;
import java.util.Objects;

/**
 * One loggregator envelope, in the one form both APIs decode to (the v2 shape: a source, an
 * instance, string tags and one message). v1 (dropsonde) events are converted on decoding, as
 * {@code docs/nozzle.md} describes.
 *
 * <p>Immutable except {@code tags}, which the decoder hands over: the envelope owns it and the
 * mapper may take entries out of it. Confined to one thread at a time.
 *
 * @param timestamp when the event happened, UNIX nanoseconds; 0 when the source did not say
 * @param sourceId the app GUID for app envelopes, a component name for platform ones; never null
 * @param instanceId the app instance index, or a VM id; never null (may be empty)
 * @param tags string tags; never null, mutable, owned by this envelope
 * @param message what the envelope carries; never null
 * @param problem what was wrong with a field that could not be read (the envelope is still usable),
 *     or null
 * @param raw the envelope as received, kept only when {@code problem} is set; else null
 */
public record Envelope(
    long timestamp,
    String sourceId,
    String instanceId,
    Map<String, String> tags,
    Message message,
    String problem,
    byte[] raw) {

  public Envelope {
    Objects.requireNonNull(sourceId, "sourceId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(tags, "tags");
    Objects.requireNonNull(message, "message");
  }

  /** The kind of envelope, as the RLP gateway's selectors name them. */
  public EnvelopeType type() {
    return message.type();
  }

  /** What an envelope carries. */
  public sealed interface Message permits Log, Counter, Gauge, Timer, Event {
    /** The selector name of this kind. */
    EnvelopeType type();
  }

  /**
   * A line of an app's (or a component's) output.
   *
   * @param payload the bytes as written, usually UTF-8 text
   * @param err true for stderr, false for stdout
   */
  public record Log(byte[] payload, boolean err) implements Message {
    @Override
    public EnvelopeType type() {
      return EnvelopeType.LOG;
    }
  }

  /**
   * A counter.
   *
   * @param name its name
   * @param delta the increase since the last report (unsigned 64-bit)
   * @param total the running total (unsigned 64-bit)
   */
  public record Counter(String name, long delta, long total) implements Message {
    @Override
    public EnvelopeType type() {
      return EnvelopeType.COUNTER;
    }
  }

  /**
   * Named values measured at one time.
   *
   * @param metrics by name; never null
   */
  public record Gauge(Map<String, GaugeValue> metrics) implements Message {
    @Override
    public EnvelopeType type() {
      return EnvelopeType.GAUGE;
    }
  }

  /**
   * One value of a gauge.
   *
   * @param unit such as {@code bytes} or {@code percentage}
   * @param value the value
   */
  public record GaugeValue(String unit, double value) {}

  /**
   * Something that took time, such as an HTTP request.
   *
   * @param name such as {@code http}
   * @param start UNIX nanoseconds
   * @param stop UNIX nanoseconds
   */
  public record Timer(String name, long start, long stop) implements Message {
    @Override
    public EnvelopeType type() {
      return EnvelopeType.TIMER;
    }
  }

  /**
   * A platform event.
   *
   * @param title what happened
   * @param body details
   */
  public record Event(String title, String body) implements Message {
    @Override
    public EnvelopeType type() {
      return EnvelopeType.EVENT;
    }
  }
}
