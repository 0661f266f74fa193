package io.logpipe.nozzle.stream;

import io.logpipe.nozzle.envelope.Envelope;
import java.time.Instant;
import java.util.List;

/**
 * Where a stream hands what it read, on its network thread: must not block. The nozzle's router
 * implements it.
 */
public interface StreamListener {
  /** The time to stamp as observed on what was just read. */
  Instant now();

  /** Envelopes decoded from one event or message. */
  void envelopes(List<Envelope> envelopes, Instant observed);

  /** One envelope decoded from one message. */
  void envelope(Envelope envelope, Instant observed);

  /**
   * Input that could not be decoded; the stream goes on.
   *
   * @param reason a short metric label: json, protobuf, oversized, no_message, text_frame
   * @param detail what was wrong, for the dead letter
   * @param raw the input (only {@code raw[offset, offset+length)} is read, during the call)
   * @param connection which connection, such as {@code v2#1}
   */
  void undecodable(
      String reason, String detail, byte[] raw, int offset, int length, String connection);
}
