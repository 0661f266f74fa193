package io.logpipe.nozzle.platform;

import io.logpipe.nozzle.NozzleSettings;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS trust for the platform's endpoints (UAA, Cloud Controller, RLP gateway, traffic controller):
 * the JVM's trust store, or the certificates of {@code nozzle.tls.ca_file}; host names are verified
 * unless {@code nozzle.tls.skip_verify}.
 */
public final class PlatformTls {
  private static final Logger log = LoggerFactory.getLogger(PlatformTls.class);

  private final NozzleSettings.Tls settings;

  /** Logs a warning when {@code skip_verify} is set: it is for test foundations only. */
  public PlatformTls(NozzleSettings.Tls settings) {
    this.settings = settings;
    if (settings.skipVerify()) {
      log.warn(
          "nozzle.tls.skip_verify is set: any certificate and host name of UAA, the Cloud"
              + " Controller and the log stream is accepted, so anyone on the network path can read"
              + " the token and the logs; use it only on test foundations, and nozzle.tls.ca_file"
              + " for a private CA");
    }
  }

  /**
   * The TLS failure among {@code error} and its causes, said with what to check; null if the error
   * is not about TLS. For logs and reconnect details.
   */
  public static String problem(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SSLException e) {
        String what =
            e instanceof SslHandshakeTimeoutException
                ? "the TLS handshake timed out"
                : "the TLS handshake failed: " + e.getMessage();
        return what
            + " (the server's certificate must be signed by a CA in nozzle.tls.ca_file, or the"
            + " JVM's trust store when that is not set, and name the URL's host)";
      }
    }
    return null;
  }

  /** For the JDK's HTTP client (UAA, Cloud Controller). */
  public SSLContext jdkContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager[] tms;
      if (settings.skipVerify()) {
        // Host names are checked by the trust manager: one that accepts everything skips both.
        tms = new TrustManager[] {new TrustEverything()};
      } else if (settings.caFile() != null) {
        tms = trustFactory().getTrustManagers();
      } else {
        tms = null;
      }
      ctx.init(null, tms, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("nozzle.tls: " + e.getMessage(), e);
    }
  }

  /** For the Netty streams (RLP gateway, traffic controller); host names checked as HTTPS does. */
  public SslContext nettyContext() {
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (settings.skipVerify()) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
      } else {
        if (settings.caFile() != null) {
          b.trustManager(trustFactory());
        }
        b.endpointIdentificationAlgorithm("HTTPS");
      }
      return b.build();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("nozzle.tls: " + e.getMessage(), e);
    }
  }

  private TrustManagerFactory trustFactory() throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(settings.caFile())) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new SSLException(settings.caFile() + " holds no PEM certificate");
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf;
  }

  /** Accepts every certificate and host name: {@code skip_verify}, for test foundations. */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
