package io.logpipe.nozzle.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.LogFactory;

/** The hand-read log path of the dropsonde decoder gives what the generated classes give. */
class DropsondeFastPathTest {

  @Property(tries = 300)
  void logEnvelopesDecodeAsTheGeneratedClassesReadThem(
      @ForAll @StringLength(max = 40) String origin,
      @ForAll @StringLength(max = 40) String deployment,
      @ForAll Map<@StringLength(max = 12) String, @StringLength(max = 12) String> tags,
      @ForAll byte[] message,
      @ForAll boolean err,
      @ForAll long timestamp,
      @ForAll boolean withAppId,
      @ForAll @StringLength(max = 40) String appId)
      throws Exception {
    LogFactory.LogMessage.Builder log =
        LogFactory.LogMessage.newBuilder()
            .setMessage(ByteString.copyFrom(message))
            .setMessageType(
                err ? LogFactory.LogMessage.MessageType.ERR : LogFactory.LogMessage.MessageType.OUT)
            .setTimestamp(timestamp)
            .setSourceType("APP/PROC/WEB")
            .setSourceInstance("3");
    if (withAppId) {
      log.setAppId(appId);
    }
    byte[] bytes =
        EventFactory.Envelope.newBuilder()
            .setOrigin(origin)
            .setEventType(EventFactory.Envelope.EventType.LogMessage)
            .setTimestamp(timestamp - 5)
            .setDeployment(deployment)
            // Keys the decoder knows (read without decoding), near misses of them, then random
            // ones.
            .putAllTags(
                Map.of(
                    "app_name", "checkout",
                    "source_id", "s-1",
                    "process_instance_id", "p-2",
                    "organization_id", "o-3",
                    "ip2", "near miss",
                    "app_nam", "near miss",
                    "space_namex", "near miss"))
            .putAllTags(tags)
            .setLogMessage(log)
            .build()
            .toByteArray();
    Envelope fast = new DropsondeDecoder().decode(bytes);
    Envelope slow = DropsondeDecoder.convert(EventFactory.Envelope.parseFrom(bytes));
    assertThat(fast.timestamp()).isEqualTo(slow.timestamp());
    assertThat(fast.sourceId()).isEqualTo(slow.sourceId());
    assertThat(fast.instanceId()).isEqualTo(slow.instanceId());
    assertThat(fast.tags()).isEqualTo(slow.tags());
    Envelope.Log a = (Envelope.Log) fast.message();
    Envelope.Log b = (Envelope.Log) slow.message();
    assertThat(a.payload()).isEqualTo(b.payload());
    assertThat(a.err()).isEqualTo(b.err());
  }
}
