package io.logpipe.syslog;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/** Builds the TLS server context of the syslog TLS listener from PEM files. */
final class TlsContexts {
  private TlsContexts() {}

  /**
   * A server context: the certificate chain and key, TLS 1.2 and 1.3 (RFC 5425 requires at least
   * 1.2 in practice; rsyslog's gnutls driver speaks both), and client certificates as configured.
   *
   * @throws IllegalArgumentException saying which file could not be used and why
   */
  static SslContext server(SyslogSettings.Tls tls) {
    SslContextBuilder b;
    try {
      b = SslContextBuilder.forServer(tls.certFile().toFile(), tls.keyFile().toFile());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot read the certificate "
              + tls.certFile()
              + " and key "
              + tls.keyFile()
              + " (PEM, unencrypted PKCS#8 key): "
              + rootMessage(e),
          e);
    }
    b.sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2");
    switch (tls.clientAuth()) {
      case OPTIONAL -> b.clientAuth(ClientAuth.OPTIONAL);
      case REQUIRED -> b.clientAuth(ClientAuth.REQUIRE);
      default -> b.clientAuth(ClientAuth.NONE);
    }
    if (tls.clientCaFile() != null) {
      try {
        b.trustManager(tls.clientCaFile().toFile());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cannot read the client CA file " + tls.clientCaFile() + ": " + rootMessage(e), e);
      }
    }
    try {
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use the certificate "
              + tls.certFile()
              + " with the key "
              + tls.keyFile()
              + ": "
              + rootMessage(e),
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
