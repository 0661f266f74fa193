package io.logpipe.syslog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A test CA with a server certificate (for {@code logpipe.test}, {@code localhost} and 127.0.0.1)
 * and a client certificate, made with openssl at test time into a temporary directory, so that no
 * private key is ever committed. EC P-256 keys: quick to make, and accepted by the JDK and by
 * rsyslog's gnutls driver.
 *
 * @param ca the CA certificate (PEM)
 * @param serverCert the server certificate (PEM), signed by the CA
 * @param serverKey its key (PKCS#8 PEM)
 * @param clientCert a client certificate (PEM), signed by the CA
 * @param clientKey its key
 * @param otherCa an unrelated CA, that signed {@code otherClientCert}
 * @param otherClientCert a client certificate the server must refuse
 * @param otherClientKey its key
 */
record TestCertificates(
    Path ca,
    Path serverCert,
    Path serverKey,
    Path clientCert,
    Path clientKey,
    Path otherCa,
    Path otherClientCert,
    Path otherClientKey) {

  static final String SERVER_NAME = "logpipe.test";

  /** Makes the certificates in {@code dir} (skips the test without openssl). */
  static TestCertificates create(Path dir) throws IOException, InterruptedException {
    Tools.require("openssl", "openssl");
    Files.createDirectories(dir);
    ca(dir, "ca", "logpipe test CA");
    ca(dir, "other-ca", "some other CA");
    leaf(
        dir,
        "server",
        "ca",
        SERVER_NAME,
        "subjectAltName=DNS:"
            + SERVER_NAME
            + ",DNS:localhost,IP:127.0.0.1\n"
            + "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n");
    String client = "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n";
    leaf(dir, "client", "ca", "sender.test", client);
    leaf(dir, "other-client", "other-ca", "stranger.test", client);
    return new TestCertificates(
        dir.resolve("ca.pem"),
        dir.resolve("server.pem"),
        dir.resolve("server-key.pem"),
        dir.resolve("client.pem"),
        dir.resolve("client-key.pem"),
        dir.resolve("other-ca.pem"),
        dir.resolve("other-client.pem"),
        dir.resolve("other-client-key.pem"));
  }

  private static void ca(Path dir, String name, String cn)
      throws IOException, InterruptedException {
    Tools.run(
        dir,
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            name + "-key.pem",
            "-out",
            name + ".pem",
            "-days",
            "3",
            "-subj",
            "/CN=" + cn,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign"));
  }

  private static void leaf(Path dir, String name, String ca, String cn, String extensions)
      throws IOException, InterruptedException {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    Tools.run(
        dir,
        List.of(
            "openssl",
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            name + "-key.pem",
            "-out",
            name + ".csr",
            "-subj",
            "/CN=" + cn));
    Tools.run(
        dir,
        List.of(
            "openssl",
            "x509",
            "-req",
            "-in",
            name + ".csr",
            "-CA",
            ca + ".pem",
            "-CAkey",
            ca + "-key.pem",
            "-CAcreateserial",
            "-out",
            name + ".pem",
            "-days",
            "3",
            "-extfile",
            name + ".ext"));
  }
}
