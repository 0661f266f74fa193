package io.logpipe.archive;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** A real S3 API server (s3proxy, filesystem-nio2 backend) on a free loopback port. */
final class S3Server implements AutoCloseable {
  static final String ACCESS = "test-access";
  static final String SECRET = "test-secret";
  final S3Proxy proxy;
  final BlobStoreContext context;

  S3Server(Path dir, String bucket) throws Exception {
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dir.toString());
    context =
        ContextBuilder.newBuilder("filesystem-nio2")
            .credentials("identity", "credential")
            .overrides(props)
            .build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, bucket);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
            .build();
    proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> proxy.getState().equals("STARTED"));
  }

  int port() {
    return proxy.getPort();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      context.close();
    }
  }
}
