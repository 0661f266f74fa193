package io.logpipe.archive.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An object store in an S3 bucket (AWS or a clone such as LeoFS, MinIO, Ceph RGW) through AWS SDK
 * v2. Set up for clones: path-style addressing, an explicit region, checksums only where the API
 * requires them. Every request is retried with exponential backoff and full jitter on 5xx, 503
 * SlowDown, throttling and I/O errors. Objects from {@code multipart_threshold} up are uploaded in
 * parts (aborted on failure). Thread-safe.
 */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

  private final S3Settings settings;
  private final S3Client s3;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();
  private final boolean conditional;
  private volatile IntConsumer partListener = n -> {};

  public S3ObjectStore(S3Settings settings, String probePrefix) throws IOException {
    this.settings = settings;
    AwsCredentialsProvider credentials =
        settings.accessKeyId() != null
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
            : DefaultCredentialsProvider.builder().build();
    var builder =
        S3Client.builder()
            .region(Region.of(settings.region()))
            .forcePathStyle(settings.pathStyle())
            .credentialsProvider(credentials)
            // S3 clones (LeoFS, older Ceph, s3proxy) reject the SDK's newer default checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(Apache5HttpClient.builder().maxConnections(32))
            .overrideConfiguration(
                c ->
                    c.retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .backoffStrategy(
                                    BackoffStrategy.exponentialDelay(
                                        settings.retryBase(), settings.retryMax()))
                                .throttlingBackoffStrategy(
                                    BackoffStrategy.exponentialDelay(
                                        settings.retryBase(), settings.retryMax()))
                                .circuitBreakerEnabled(false)
                                .build())
                        .apiCallAttemptTimeout(settings.requestTimeout())
                        .addExecutionInterceptor(new AttemptCounter()));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    this.s3 = builder.build();
    this.conditional =
        switch (settings.conditionalWrites()) {
          case "on" -> true;
          case "off" -> false;
          default -> probeConditionalWrites(probePrefix);
        };
    log.info(
        "archive store: s3://{} ({}), conditional writes {}",
        settings.bucket(),
        settings,
        conditional ? "supported" : "not supported: markers are checked, then written");
  }

  /** Called after each uploaded part of a multipart upload, with the part number (tests). */
  public void onPartUploaded(IntConsumer listener) {
    this.partListener = listener;
  }

  /** Requests made (each retried as needed). */
  public long requests() {
    return requests.get();
  }

  /** Attempts beyond the first, over all requests. */
  @Override
  public long retries() {
    return attempts.get() - requests.get();
  }

  private boolean probeConditionalWrites(String prefix) throws IOException {
    String key = prefix + ".probe-" + UUID.randomUUID();
    try {
      boolean first = conditionalPut(key, new byte[] {'1'});
      boolean second = conditionalPut(key, new byte[] {'2'});
      return first && !second;
    } finally {
      delete(key);
    }
  }

  @Override
  public void put(String key, Path file) throws IOException {
    long size = Files.size(file);
    try {
      if (size >= settings.multipartThreshold().bytes()) {
        multipart(key, file);
      } else {
        s3.putObject(b -> b.bucket(settings.bucket()).key(key), RequestBody.fromFile(file));
      }
    } catch (SdkException e) {
      throw io("PUT " + key, e);
    }
    Files.deleteIfExists(file);
  }

  private void multipart(String key, Path file) throws IOException {
    String uploadId =
        s3.createMultipartUpload(b -> b.bucket(settings.bucket()).key(key)).uploadId();
    boolean done = false;
    try (InputStream in = Files.newInputStream(file)) {
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buf = new byte[settings.partSize().bytesAsInt()];
      int number = 1;
      while (true) {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n == 0 && number > 1) {
          break;
        }
        int partNumber = number;
        String etag =
            s3.uploadPart(
                    b ->
                        b.bucket(settings.bucket())
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength((long) n),
                    RequestBody.fromByteBuffer(ByteBuffer.wrap(buf, 0, n)))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        partListener.accept(partNumber);
        number++;
        if (n < buf.length) {
          break;
        }
      }
      s3.completeMultipartUpload(
          b ->
              b.bucket(settings.bucket())
                  .key(key)
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
      done = true;
    } finally {
      if (!done) {
        try {
          s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException e) {
          log.warn("could not abort multipart upload of {}: {}", key, e.toString());
        }
      }
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    if (conditional) {
      return conditionalPut(key, content);
    }
    // No create-only on this store: check, then write. Racy against a concurrent writer; see
    // docs/design.md (Archive) for why the archive stays exactly-once with it.
    try {
      s3.headObject(b -> b.bucket(settings.bucket()).key(key));
      return false;
    } catch (NoSuchKeyException e) {
      // Absent: write it.
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw io("HEAD " + key, e);
      }
    } catch (SdkException e) {
      throw io("HEAD " + key, e);
    }
    try {
      s3.putObject(b -> b.bucket(settings.bucket()).key(key), RequestBody.fromBytes(content));
      return true;
    } catch (SdkException e) {
      throw io("PUT " + key, e);
    }
  }

  private boolean conditionalPut(String key, byte[] content) throws IOException {
    try {
      s3.putObject(
          b -> b.bucket(settings.bucket()).key(key).ifNoneMatch("*"),
          RequestBody.fromBytes(content));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        return false;
      }
      throw io("PUT " + key, e);
    } catch (SdkException e) {
      throw io("PUT " + key, e);
    }
  }

  @Override
  public boolean conditionalWrites() {
    return conditional;
  }

  @Override
  public InputStream get(String key) throws IOException {
    try {
      return s3.getObject(b -> b.bucket(settings.bucket()).key(key));
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(key);
    } catch (SdkException e) {
      throw io("GET " + key, e);
    }
  }

  @Override
  public List<StoredObject> list(String prefix, String startAfter) throws IOException {
    List<StoredObject> out = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(
                  b -> {
                    b.bucket(settings.bucket()).prefix(prefix);
                    if (startAfter != null) {
                      b.startAfter(startAfter);
                    }
                  })
              .contents()) {
        out.add(new StoredObject(o.key(), o.size()));
      }
    } catch (SdkException e) {
      throw io("LIST " + prefix, e);
    }
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
    } catch (SdkException e) {
      throw io("DELETE " + key, e);
    }
  }

  @Override
  public String describe() {
    return "s3://"
        + settings.bucket()
        + (settings.endpoint() != null ? " at " + settings.endpoint() : "");
  }

  @Override
  public void close() {
    s3.close();
  }

  private static IOException io(String what, SdkException e) {
    if (Thread.currentThread().isInterrupted()) {
      InterruptedIOException i = new InterruptedIOException(what + " interrupted");
      i.initCause(e);
      return i;
    }
    return new IOException(what + " failed: " + e.getMessage(), e);
  }

  /** Counts requests and attempts, so retries can be reported. */
  private final class AttemptCounter implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      requests.incrementAndGet();
    }

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      attempts.incrementAndGet();
    }
  }
}
