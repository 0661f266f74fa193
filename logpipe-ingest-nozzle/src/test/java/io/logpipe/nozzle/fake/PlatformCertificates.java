package io.logpipe.nozzle.fake;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Assumptions;

/**
 * Certificates for the fake platform, made with openssl at test time in a temporary directory (no
 * private key is committed): a private CA as a foundation has one, a server certificate it signed
 * for {@code localhost}, 127.0.0.1 and ::1, one it signed for another host name, and one for the
 * same addresses signed by some other CA. EC P-256 keys, valid two days.
 *
 * @param ca the private CA (PEM), what {@code nozzle.tls.ca_file} names
 * @param trusted signed by the CA, for the address the fakes listen on
 * @param wrongName signed by the CA, for {@code elsewhere.test} only
 * @param stranger for 127.0.0.1, signed by another CA
 */
public record PlatformCertificates(
    Path ca, ServerIdentity trusted, ServerIdentity wrongName, ServerIdentity stranger) {

  /** A server's certificate and key (PKCS#8 PEM), as TLS contexts for the fakes. */
  public record ServerIdentity(Path cert, Path key) {
    /** For the Netty fakes (gateway, traffic controller). */
    public SslContext netty() {
      try {
        return SslContextBuilder.forServer(cert.toFile(), key.toFile())
            .sslProvider(SslProvider.JDK)
            .build();
      } catch (SSLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** For the JDK's HTTPS server (UAA, Cloud Controller). */
    public SSLContext jdk() {
      return ((JdkSslContext) netty()).context();
    }
  }

  private static final String CONFIG =
      """
      [req]
      distinguished_name = dn
      prompt = no
      [dn]
      [ca]
      basicConstraints = critical,CA:TRUE
      keyUsage = critical,keyCertSign,cRLSign
      [server]
      basicConstraints = critical,CA:FALSE
      keyUsage = critical,digitalSignature
      extendedKeyUsage = serverAuth
      """;

  private static final String REQ =
      "openssl req -config openssl.cnf -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
          + " -days 2";

  /** Makes them in {@code dir}; skips the test where openssl is missing (fails it in CI). */
  public static PlatformCertificates create(Path dir) throws IOException, InterruptedException {
    requireOpenssl();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
    openssl(dir, "ca", "logpipe nozzle test CA", null, null);
    openssl(dir, "other-ca", "some other CA", null, null);
    String local = "DNS:localhost,IP:127.0.0.1,IP:::1";
    return new PlatformCertificates(
        dir.resolve("ca.pem"),
        openssl(dir, "server", "localhost", "ca", local),
        openssl(dir, "wrong-name", "elsewhere.test", "ca", "DNS:elsewhere.test"),
        openssl(dir, "stranger", "localhost", "other-ca", local));
  }

  /**
   * One {@code openssl req -x509}: a CA when {@code signer} is null, else a server signed by it.
   */
  private static ServerIdentity openssl(Path dir, String name, String cn, String signer, String san)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(REQ.split(" ")));
    cmd.addAll(List.of("-subj", "/CN=" + cn, "-keyout", name + "-key.pem", "-out", name + ".pem"));
    if (signer == null) {
      cmd.addAll(List.of("-extensions", "ca"));
    } else {
      cmd.addAll(List.of("-extensions", "server", "-addext", "subjectAltName=" + san));
      cmd.addAll(List.of("-CA", signer + ".pem", "-CAkey", signer + "-key.pem"));
    }
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
    return new ServerIdentity(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
  }

  private static void requireOpenssl() throws InterruptedException {
    boolean present;
    try {
      present = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
    } catch (IOException e) {
      present = false;
    }
    if (!present && "1".equals(System.getenv("LOGPIPE_REQUIRE_TOOLS"))) {
      throw new AssertionError("openssl is not installed and LOGPIPE_REQUIRE_TOOLS=1");
    }
    Assumptions.assumeTrue(present, "openssl is not installed (Debian package openssl)");
  }
}
