package io.logpipe.core.record;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Why a record could not be parsed cleanly, with the input exactly as received. The raw input is
 * kept as text when it is valid UTF-8 ({@code raw}) and as base64 otherwise ({@code rawBase64}), so
 * that no byte is lost and the JSON stays valid. Exactly one of the two is non-null.
 */
public record ParseProblem(String reason, String raw, String rawBase64) {

  public ParseProblem {
    Objects.requireNonNull(reason, "reason");
    if ((raw == null) == (rawBase64 == null)) {
      throw new IllegalArgumentException("exactly one of raw and rawBase64 must be set");
    }
  }

  /** A problem with text input. */
  public static ParseProblem ofText(String reason, String raw) {
    return new ParseProblem(reason, raw, null);
  }

  /** A problem with byte input: kept as text if it is valid UTF-8, else as base64. */
  public static ParseProblem ofBytes(String reason, byte[] raw, int offset, int length) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(raw, offset, length))
              .toString();
      return new ParseProblem(reason, text, null);
    } catch (CharacterCodingException e) {
      byte[] copy = new byte[length];
      System.arraycopy(raw, offset, copy, 0, length);
      return new ParseProblem(reason, null, Base64.getEncoder().encodeToString(copy));
    }
  }

  /** The raw input as bytes, whichever way it is kept. */
  public byte[] rawBytes() {
    return raw != null
        ? raw.getBytes(StandardCharsets.UTF_8)
        : Base64.getDecoder().decode(rawBase64);
  }

  @Override
  public String toString() {
    String r = raw != null ? raw : "base64:" + rawBase64;
    return "ParseProblem[" + reason + ", raw=" + LogRecord.abbreviate(r) + "]";
  }
}
