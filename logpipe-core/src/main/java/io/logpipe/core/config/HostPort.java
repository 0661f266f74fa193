package io.logpipe.core.config;

/**
 * A listen or connect address, written {@code host:port}; IPv6 hosts in brackets ({@code
 * [::1]:8080}). Port 0 means "any free port" where the listener supports it.
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException with a message that shows the expected form
   */
  public static HostPort parse(String text) {
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException(invalid(text));
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(invalid(text) + "; write IPv6 hosts in brackets");
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(invalid(text), e);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "\"" + text + "\" has port " + port + ", outside 0..65535");
    }
    return new HostPort(host, port);
  }

  private static String invalid(String text) {
    return "\"" + text + "\" is not host:port (example: 127.0.0.1:8080)";
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
