package io.logpipe.bench;

import io.logpipe.bench.Foundation.App;
import io.logpipe.bench.Foundation.Host;
import io.logpipe.bench.Foundation.Role;
import io.logpipe.core.record.Facility;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Severity;

/**
 * The lines the platform's own daemons write: gorouter (access and registry), the Diego cell (rep,
 * garden, route-emitter) and scheduler (bbs, auctioneer), Cloud Controller, UAA, doppler, NATS,
 * MySQL, and the programs every BOSH VM runs (bosh-agent, monit, kernel, sshd, cron). Every line is
 * one physical line, so that it can travel as newline-framed syslog. Chooses the program and host,
 * and sets host, program, pid, facility, severity, tags and message of the record being built; the
 * caller sets the clock to the event time first. Not thread-safe.
 */
final class ComponentLogLines {
  /** A daemon, where it runs, how much it logs relative to the others and its syslog facility. */
  enum Program {
    GOROUTER("gorouter", Role.ROUTER, 22, Facility.USER),
    REP("rep", Role.DIEGO_CELL, 14, Facility.USER),
    GARDEN("garden", Role.DIEGO_CELL, 10, Facility.USER),
    ROUTE_EMITTER("route_emitter", Role.DIEGO_CELL, 3, Facility.USER),
    CLOUD_CONTROLLER("cloud_controller_ng", Role.API, 8, Facility.USER),
    CC_WORKER("cloud_controller_worker", Role.CC_WORKER, 3, Facility.USER),
    UAA("uaa", Role.UAA, 5, Facility.USER),
    BBS("bbs", Role.DIEGO_API, 4, Facility.USER),
    AUCTIONEER("auctioneer", Role.SCHEDULER, 2, Facility.USER),
    DOPPLER("doppler", Role.DOPPLER, 3, Facility.USER),
    NATS("nats", Role.NATS, 2, Facility.USER),
    MYSQL("mysql", Role.DATABASE, 2, Facility.LOCAL0),
    BOSH_AGENT("bosh-agent", null, 9, Facility.DAEMON),
    MONIT("monit", null, 2, Facility.DAEMON),
    KERNEL("kernel", null, 5, Facility.KERN),
    SSHD("sshd", null, 3, Facility.AUTHPRIV),
    CRON("CRON", null, 3, Facility.CRON);

    final String name;

    /** The instance group it runs on, or null if it runs on every VM. */
    final Role role;

    final int weight;
    final Facility facility;

    Program(String name, Role role, int weight, Facility facility) {
      this.name = name;
      this.role = role;
      this.weight = weight;
      this.facility = facility;
    }
  }

  private static final Program[] PROGRAMS = Program.values();
  private static final Popularity PROGRAM_MIX;

  static {
    double[] weights = new double[PROGRAMS.length];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = PROGRAMS[i].weight;
    }
    PROGRAM_MIX = Popularity.of(weights);
  }

  private static final String[] BOSH_AGENT_LINES = {
    "[File System] DEBUG - Checking if file exists /var/vcap/monit/stopped",
    "[MBus Handler] INFO - Responding",
    "[agent] DEBUG - Building heartbeat",
    "[Action Dispatcher] INFO - Running sync action get_state",
    "[monitJobSupervisor] DEBUG - Getting monit status",
    "[NATS Handler] INFO - Sending hm message 'heartbeat'",
    "[MBus Handler] INFO - Received request with action get_task",
    "[File System] DEBUG - Reading file /var/vcap/bosh/spec.json",
  };
  private static final String[] UAA_SCOPES = {
    "[\"cloud_controller.read\",\"openid\"]",
    "[\"cloud_controller.read\",\"cloud_controller.write\",\"openid\",\"uaa.user\"]",
    "[\"doppler.firehose\",\"uaa.none\"]",
    "[\"routing.routes.write\",\"uaa.none\"]",
  };
  private static final String[] UAA_CLIENTS = {
    "cf",
    "cc_service_key_client",
    "doppler",
    "gorouter",
    "tcp_emitter",
    "cloud_controller_username_lookup"
  };
  private static final String[] CC_PATHS = {
    "/v3/apps/", "/v3/processes/", "/v2/apps/", "/v3/apps/", "/v3/service_instances/", "/v3/routes/"
  };
  private static final String[] MONIT_JOBS = {
    "rep", "garden", "route_emitter", "gorouter", "bpm", "loggr-udp-forwarder", "loggregator_agent"
  };
  private static final String[] CRON_LINES = {
    "(root) CMD (/var/vcap/bosh/bin/logrotate-cron)",
    "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
    "pam_unix(cron:session): session closed for user root",
    "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
  };

  private final Foundation foundation;
  private final Dice dice;
  private final ClockText clock;
  private final HttpTraffic http;
  private final Popularity appMix;
  private final StringBuilder line = new StringBuilder(2048);
  private final StringBuilder scratch = new StringBuilder(80);

  /** The process id of each program on each host, as text: pids stay put while a daemon runs. */
  private final String[][] pids;

  ComponentLogLines(
      Foundation foundation,
      Dice dice,
      ClockText clock,
      HttpTraffic http,
      Popularity appMix,
      long seed) {
    this.foundation = foundation;
    this.dice = dice;
    this.clock = clock;
    this.http = http;
    this.appMix = appMix;
    pids = new String[foundation.hosts.length][PROGRAMS.length];
    for (Host host : foundation.hosts) {
      for (Program p : PROGRAMS) {
        long bits = Dice.mix(seed * 31 + host.index() * 64L + p.ordinal());
        pids[host.index()][p.ordinal()] = Long.toString(300 + Long.remainderUnsigned(bits, 60_000));
      }
    }
  }

  /** Chooses a program and a host, and writes one of its lines into the record. */
  void write(LogRecord.Builder r) {
    Program program = PROGRAMS[PROGRAM_MIX.draw(dice)];
    line.setLength(0);
    Host host;
    App app = null;
    int instance = 0;
    if (program.role == Role.DIEGO_CELL || program == Program.GOROUTER) {
      // Cell daemons log about the app instances they run; routers about the apps they route to.
      app = foundation.apps[appMix.draw(dice)];
      instance = dice.below(app.instances());
      host = program == Program.GOROUTER ? pick(Role.ROUTER) : app.cells()[instance];
    } else if (program.role != null) {
      host = pick(program.role);
    } else {
      host = foundation.hosts[dice.below(foundation.hosts.length)];
    }
    Severity severity =
        switch (program) {
          case GOROUTER -> gorouter(app, instance);
          case REP -> rep(app, instance, host);
          case GARDEN -> garden(app, instance);
          case ROUTE_EMITTER -> routeEmitter(app, instance, host);
          case CLOUD_CONTROLLER -> cloudController();
          case CC_WORKER -> ccWorker();
          case UAA -> uaa();
          case BBS -> bbs();
          case AUCTIONEER -> auctioneer();
          case DOPPLER -> doppler();
          case NATS -> nats();
          case MYSQL -> mysql();
          case BOSH_AGENT -> boshAgent();
          case MONIT -> monit();
          case KERNEL -> kernel(host);
          case SSHD -> sshd();
          case CRON -> cron();
        };
    r.host(host.name())
        .program(program.name)
        .pid(program == Program.KERNEL ? null : pids[host.index()][program.ordinal()])
        .facility(program.facility)
        .severity(severity)
        .tags(host.tags())
        .message(line.toString());
  }

  private Host pick(Role role) {
    Host[] hosts = foundation.hosts(role);
    return hosts[dice.below(hosts.length)];
  }

  // ---- gorouter ----

  private Severity gorouter(App app, int instance) {
    StringBuilder b = line;
    int t = dice.below(100);
    if (t < 55) {
      http.appendRouterAccess(b, app, instance, http.status());
      return Severity.INFO;
    }
    int level = t < 90 ? 1 : t < 97 ? 2 : 3;
    b.append("{\"log_level\":").append(level).append(",\"timestamp\":\"");
    clock.appendIso(b, 9).append("\",\"message\":\"");
    if (level == 1) {
      b.append(dice.percent(50) ? "endpoint-registered" : "endpoint-unregistered");
      b.append("\",\"source\":\"vcap.gorouter.registry\",\"data\":{\"uri\":\"").append(app.route());
      b.append("\",\"backend\":\"").append(app.backends()[instance]);
      b.append("\",\"application_id\":\"").append(app.id()).append("\",\"instance_id\":\"");
      b.append(app.instanceGuids()[instance]).append("\",\"protocol\":\"http1\",");
      b.append("\"modification_tag\":{\"guid\":\"\",\"index\":0},\"isolation_segment\":\"-\"");
      b.append(",\"isTLS\":true}}");
      return Severity.INFO;
    }
    if (level == 2) {
      b.append(
          "prune-failed-endpoint\",\"source\":\"vcap.gorouter.registry\",\"data\":{\"route\":\"");
      b.append(app.route()).append("\",\"backend\":\"").append(app.backends()[instance]);
      b.append("\"}}");
      return Severity.WARNING;
    }
    b.append(
        "backend-endpoint-failed\",\"source\":\"vcap.gorouter\",\"data\":{\"route-endpoint\":");
    b.append("{\"ApplicationId\":\"").append(app.id()).append("\",\"Addr\":\"");
    b.append(app.backends()[instance]).append("\"},\"error\":\"dial tcp ");
    b.append(app.backends()[instance]).append(": connect: connection refused\",\"attempt\":");
    b.append(1 + dice.below(3)).append(",\"vcap_request_id\":\"");
    dice.appendUuid(b);
    b.append("\"}}");
    return Severity.ERR;
  }

  // ---- Diego (lager) ----

  private void lagerStart(String source, String level) {
    line.append("{\"timestamp\":\"");
    clock.appendIso(line, 9).append("\",\"level\":\"").append(level).append("\",\"source\":\"");
    line.append(source).append("\",\"message\":\"");
  }

  private void lagerSession() {
    line.append("\"session\":\"")
        .append(1 + dice.below(4000))
        .append('.')
        .append(1 + dice.below(90_000));
    line.append("\"}}");
  }

  private Severity rep(App app, int instance, Host cell) {
    StringBuilder b = line;
    int t = dice.below(100);
    if (t < 30) {
      lagerStart("rep", "info");
      b.append("rep.auction-").append(dice.percent(60) ? "fetch-state" : "perform-work");
      b.append(".handling\",\"data\":{");
      lagerSession();
      return Severity.INFO;
    }
    if (t < 96) {
      lagerStart("rep", "info");
      b.append(
          "rep.executing-container-operation.ordinary-lrp-processor.process-running-container.");
      b.append(dice.percent(50) ? "starting" : "succeeded");
      b.append("\",\"data\":{\"container-guid\":\"").append(app.instanceGuids()[instance]);
      b.append("\",\"container-state\":\"running\",\"lrp-instance-key\":{\"instance_guid\":\"");
      b.append(app.instanceGuids()[instance]).append("\",\"cell_id\":\"").append(cell.boshId());
      b.append("\"},\"lrp-key\":{\"process_guid\":\"").append(app.processGuid());
      b.append("\",\"index\":").append(instance).append(",\"domain\":\"cf-apps\"},");
      lagerSession();
      return Severity.INFO;
    }
    lagerStart("rep", "error");
    b.append("rep.executing-container-operation.ordinary-lrp-processor.process-running-container.");
    b.append("failed-to-claim-actual-lrp\",\"data\":{\"container-guid\":\"");
    b.append(app.instanceGuids()[instance]).append("\",\"error\":\"the requested resource is");
    b.append(" already claimed by another cell\",");
    lagerSession();
    return Severity.ERR;
  }

  private Severity garden(App app, int instance) {
    StringBuilder b = line;
    int t = dice.below(100);
    if (t < 45) {
      lagerStart("guardian", "info");
      b.append("guardian.run.exec.").append(dice.percent(50) ? "start" : "finished");
      b.append("\",\"data\":{\"handle\":\"").append(app.instanceGuids()[instance]);
      b.append("\",\"id\":\"");
      dice.appendUuid(b);
      b.append("\",\"path\":\"/tmp/lifecycle/healthcheck\",");
      lagerSession();
      return Severity.INFO;
    }
    if (t < 80) {
      lagerStart("guardian", "debug");
      b.append("guardian.api.garden-server.bulk_metrics.got-bulkmetrics\",\"data\":{");
      lagerSession();
      return Severity.DEBUG;
    }
    if (t < 97) {
      lagerStart("guardian", "info");
      b.append("guardian.api.garden-server.stream-out.streamed-out\",\"data\":{\"handle\":\"");
      b.append(app.instanceGuids()[instance]).append("\",\"source\":\"/tmp/lifecycle/");
      b.append("healthcheck\",");
      lagerSession();
      return Severity.INFO;
    }
    lagerStart("guardian", "error");
    b.append("guardian.api.garden-server.run.failed\",\"data\":{\"error\":\"container_linux.go:");
    b.append(
        "380: starting container process caused: process_linux.go:545: container init caused:");
    b.append(" read init-p: connection reset by peer\",\"handle\":\"");
    b.append(app.instanceGuids()[instance]).append("\",");
    lagerSession();
    return Severity.ERR;
  }

  private Severity routeEmitter(App app, int instance, Host cell) {
    StringBuilder b = line;
    if (dice.percent(30)) {
      lagerStart("route-emitter", "info");
      b.append("route-emitter.route-emitter.sync.")
          .append(dice.percent(50) ? "starting" : "complete");
      b.append("\",\"data\":{");
      lagerSession();
      return Severity.INFO;
    }
    lagerStart("route-emitter", "info");
    b.append("route-emitter.watcher.caching-event.handling-actual-create\",\"data\":{\"lrp\":{");
    b.append("\"process_guid\":\"")
        .append(app.processGuid())
        .append("\",\"index\":")
        .append(instance);
    b.append(",\"domain\":\"cf-apps\",\"instance_guid\":\"").append(app.instanceGuids()[instance]);
    b.append("\",\"cell_id\":\"")
        .append(cell.boshId())
        .append("\",\"address\":\"")
        .append(cell.ip());
    String backend = app.backends()[instance];
    b.append("\",\"ports\":[{\"container_port\":8080,\"host_port\":");
    b.append(backend, backend.indexOf(':') + 1, backend.length());
    b.append("}],\"state\":\"RUNNING\",\"since\":").append(clock.epochNanos()).append("},");
    lagerSession();
    return Severity.INFO;
  }

  private Severity bbs() {
    StringBuilder b = line;
    App app = foundation.apps[appMix.draw(dice)];
    if (dice.percent(60)) {
      lagerStart("bbs", "info");
      b.append("bbs.request.start-actual-lrp.").append(dice.percent(50) ? "starting" : "complete");
      b.append("\",\"data\":{\"actual_lrp_key\":{\"process_guid\":\"").append(app.processGuid());
      b.append("\",\"index\":").append(dice.below(app.instances()));
      b.append(
          ",\"domain\":\"cf-apps\"},\"method\":\"POST\",\"request\":\"/v1/actual_lrps/start\",");
      lagerSession();
      return Severity.INFO;
    }
    lagerStart("bbs", "info");
    b.append("bbs.converge-lrps.db-converge-lrps.complete\",\"data\":{\"duration\":");
    b.append(dice.latencyMicros(20_000) * 1000).append(',');
    lagerSession();
    return Severity.INFO;
  }

  private Severity auctioneer() {
    StringBuilder b = line;
    lagerStart("auctioneer", "info");
    b.append(
        "auctioneer.auction.scheduled\",\"data\":{\"failed-lrp-starts\":0,\"failed-tasks\":0,");
    b.append("\"successful-lrp-starts\":").append(dice.below(6)).append(",\"successful-tasks\":");
    b.append(dice.below(2)).append(',');
    lagerSession();
    return Severity.INFO;
  }

  // ---- Cloud Controller and UAA ----

  private Severity cloudController() {
    StringBuilder b = line;
    App app = foundation.apps[appMix.draw(dice)];
    boolean started = dice.percent(50);
    b.append("{\"timestamp\":\"");
    clock.appendIso(b, 9).append("\",\"message\":\"");
    StringBuilder requestGuid = scratch;
    requestGuid.setLength(0);
    dice.appendUuid(requestGuid);
    requestGuid.append("::");
    dice.appendUuid(requestGuid);
    if (started) {
      b.append("Started GET \\\"").append(dice.pick(CC_PATHS)).append(app.id());
      b.append("\\\" for user: ");
      dice.appendUuid(b);
      b.append(", ip: ");
      Dice.appendIpv4(b, http.loadBalancer());
      b.append(" with vcap-request-id: ").append(requestGuid);
      clock.appendLocal(b.append(" at "), '.', 0).append(" UTC");
    } else {
      b.append("Completed ").append(http.status()).append(" vcap-request-id: ").append(requestGuid);
    }
    b.append("\",\"log_level\":\"info\",\"source\":\"cc.api\",\"data\":{\"request_guid\":\"");
    b.append(requestGuid).append("\"},\"thread_id\":");
    b.append(47_000 + dice.below(400)).append(",\"fiber_id\":").append(47_400 + dice.below(400));
    b.append(",\"process_id\":7,\"file\":\"/var/vcap/packages/cloud_controller_ng/");
    b.append("cloud_controller_ng/middleware/request_logs.rb\",\"lineno\":");
    b.append(started ? 34 : 54).append(",\"method\":\"call\"}");
    return Severity.INFO;
  }

  private Severity ccWorker() {
    StringBuilder b = line;
    b.append("{\"timestamp\":\"");
    clock.appendIso(b, 9).append("\",\"message\":\"cc.background: Job (id=");
    b.append(1_000_000 + dice.below(9_000_000)).append(") ");
    b.append(dice.percent(50) ? "RUNNING" : "COMPLETED after 0." + (100 + dice.below(900)));
    b.append("\",\"log_level\":\"info\",\"source\":\"cc-worker\",\"data\":{},\"thread_id\":");
    b.append(47_000 + dice.below(400)).append(",\"process_id\":7}");
    return Severity.INFO;
  }

  private Severity uaa() {
    StringBuilder b = line;
    int t = dice.below(100);
    clock.appendIso(b.append('['), 6).append("] uaa - 7 [https-jsse-nio-8443-exec-");
    b.append(1 + dice.below(10)).append("] - [");
    dice.appendHex(b, 32);
    b.append(',');
    dice.appendHex(b, 16);
    b.append("] .... ");
    if (t < 40) {
      String client = dice.pick(UAA_CLIENTS);
      b.append(" INFO --- Audit: TokenIssuedEvent ('").append(dice.pick(UAA_SCOPES));
      b.append("'): principal=").append(client).append(", origin=[client=").append(client);
      b.append("], identityZoneId=[uaa]");
      return Severity.INFO;
    }
    if (t < 65) {
      String client = dice.pick(UAA_CLIENTS);
      b.append(" INFO --- Audit: ClientAuthenticationSuccess ('Client authentication success'):");
      b.append(" principal=").append(client).append(", origin=[remoteAddress=");
      Dice.appendIpv4(b, http.loadBalancer());
      b.append(", clientId=").append(client).append("], identityZoneId=[uaa]");
      return Severity.INFO;
    }
    if (t < 85) {
      b.append("DEBUG --- FilterChainProxy: Securing POST /oauth/token");
      return Severity.DEBUG;
    }
    boolean failure = dice.percent(40);
    b.append(failure ? " WARN" : " INFO").append(" --- Audit: UserAuthentication");
    b.append(failure ? "Failure ('Bad credentials')" : "Success ('admin')").append(": principal=");
    dice.appendUuid(b);
    b.append(", origin=[remoteAddress=");
    Dice.appendIpv4(b, http.clientAddress());
    b.append(", sessionId=<SESSION>], identityZoneId=[uaa]");
    return failure ? Severity.WARNING : Severity.INFO;
  }

  // ---- loggregator, NATS, MySQL ----

  private Severity doppler() {
    StringBuilder b = line;
    clock.appendSlashed(b);
    if (dice.percent(70)) {
      b.append(" Dropped ")
          .append(100 * (1 + dice.below(50)))
          .append(" envelopes (v2 buffer) ShardID: ");
      b.append(foundation.apps[appMix.draw(dice)].id());
      return Severity.WARNING;
    }
    b.append(" Egress server: ").append(dice.below(400)).append(" active subscriptions");
    return Severity.INFO;
  }

  private Severity nats() {
    StringBuilder b = line;
    b.append("[7] ");
    clock.appendSlashed(b);
    Dice.appendPadded(b.append('.'), dice.below(1_000_000), 6);
    boolean slow = dice.percent(10);
    b.append(slow ? " [ERR] " : " [INF] ");
    Host client = foundation.hosts[dice.below(foundation.hosts.length)];
    b.append(client.ip()).append(':').append(30_000 + dice.below(30_000)).append(" - cid:");
    b.append(1 + dice.below(90_000)).append(" - \"v1.31.0:go\" - ");
    if (slow) {
      b.append("Slow Consumer Detected: WriteDeadline of 2s exceeded with 1 chunks of ");
      b.append(10_000 + dice.below(100_000)).append(" total bytes.");
      return Severity.ERR;
    }
    b.append(
        dice.percent(50) ? "Client connection created" : "Client connection closed: Client Closed");
    return Severity.INFO;
  }

  private Severity mysql() {
    StringBuilder b = line;
    clock.appendIso(b, 6).append(' ').append(dice.below(200_000));
    Host client = foundation.hosts(Role.API)[dice.below(foundation.hosts(Role.API).length)];
    if (dice.percent(60)) {
      b.append(" [Note] [MY-010914] [Server] Aborted connection ").append(dice.below(900_000));
      b.append(" to db: 'ccdb' user: 'cloud_controller' host: '").append(client.ip());
      b.append("' (Got timeout reading communication packets).");
      return Severity.NOTICE;
    }
    b.append(" [Warning] [MY-010055] [Server] IP address '").append(client.ip());
    b.append("' could not be resolved: Name or service not known");
    return Severity.WARNING;
  }

  // ---- every VM ----

  private Severity boshAgent() {
    String template = dice.pick(BOSH_AGENT_LINES);
    int bracket = template.indexOf(']') + 1;
    line.append(template, 0, bracket).append(' ');
    clock.appendSlashed(line).append(template, bracket, template.length());
    return template.contains("DEBUG") ? Severity.DEBUG : Severity.INFO;
  }

  private Severity monit() {
    StringBuilder b = line;
    clock.appendBsd(b.append("[UTC ")).append("] ");
    String job = dice.pick(MONIT_JOBS);
    int t = dice.below(10);
    if (t < 2) {
      b.append("error    : '").append(job).append("' process is not running");
      return Severity.ERR;
    }
    if (t < 6) {
      b.append("info     : '").append(job).append("' process is running with pid ");
      b.append(300 + dice.below(60_000));
      return Severity.INFO;
    }
    b.append("info     : 'system_").append(dice.percent(50) ? "localhost" : "bosh-agent");
    b.append("' ")
        .append(dice.percent(50) ? "Awakened by User defined signal 1" : "trying to restart");
    return Severity.INFO;
  }

  private Severity kernel(Host host) {
    StringBuilder b = line;
    long uptimeMicros = (clock.epochNanos() / 1000) - host.bootEpochSecond() * 1_000_000;
    b.append('[');
    long seconds = uptimeMicros / 1_000_000;
    for (int w = Long.toString(seconds).length(); w < 5; w++) {
      b.append(' ');
    }
    Dice.appendDecimal(b, uptimeMicros, 6).append("] ");
    int t = dice.below(100);
    int port = 1 + dice.below(40);
    String iface = "s-010255" + (100 + dice.below(100)) + "0" + (10 + dice.below(90));
    if (t < 35) {
      b.append("wbrdg-0afe0000: port ").append(port).append('(').append(iface);
      b.append(dice.percent(50) ? ") entered forwarding state" : ") entered disabled state");
      return Severity.INFO;
    }
    if (t < 55) {
      b.append("IPv6: ADDRCONF(NETDEV_CHANGE): ").append(iface).append(": link becomes ready");
      return Severity.INFO;
    }
    if (t < 75) {
      b.append("audit: type=1400 audit(");
      clock.appendEpochSeconds(b, 3).append(':').append(dice.below(100_000));
      b.append("): apparmor=\"DENIED\" operation=\"open\" profile=\"garden-default\"");
      b.append(" name=\"/proc/sys/kernel/random/boot_id\" pid=").append(300 + dice.below(60_000));
      b.append(" comm=\"java\" requested_mask=\"r\" denied_mask=\"r\" fsuid=2000 ouid=0");
      return Severity.NOTICE;
    }
    if (t < 88) {
      b.append("IPv4: martian source 10.255.").append(dice.below(256)).append('.');
      b.append(dice.below(256))
          .append(" from ")
          .append(host.ip())
          .append(", on dev ")
          .append(iface);
      return Severity.WARNING;
    }
    if (t < 95) {
      b.append(
          "TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.  Check");
      b.append(" SNMP counters.");
      return Severity.WARNING;
    }
    b.append("Memory cgroup out of memory: Killed process ").append(300 + dice.below(60_000));
    b.append(" (java) total-vm:").append(3_000_000 + dice.below(3_000_000)).append("kB, anon-rss:");
    b.append(500_000 + dice.below(1_500_000)).append("kB, file-rss:").append(dice.below(50_000));
    b.append("kB, shmem-rss:0kB, UID:2000 pgtables:").append(1000 + dice.below(5000));
    b.append("kB oom_score_adj:0");
    return Severity.ERR;
  }

  private Severity sshd() {
    StringBuilder b = line;
    int t = dice.below(5);
    StringBuilder user = scratch;
    user.setLength(0);
    // BOSH creates one user per operator session; a few dozen recur.
    Dice.appendHex(user.append("bosh_"), Dice.mix(dice.below(40)), 8);
    if (t == 0) {
      b.append("Accepted publickey for ").append(user).append(" from ");
      Dice.appendIpv4(b, http.loadBalancer());
      b.append(" port ").append(30_000 + dice.below(30_000)).append(" ssh2: RSA SHA256:");
      dice.appendBase64(b, 43);
    } else if (t == 1) {
      b.append("pam_unix(sshd:session): session opened for user ").append(user);
      b.append("(uid=1001) by (uid=0)");
    } else if (t == 2) {
      b.append("Received disconnect from ");
      Dice.appendIpv4(b, http.loadBalancer());
      b.append(" port ").append(30_000 + dice.below(30_000)).append(":11: disconnected by user");
    } else if (t == 3) {
      b.append("pam_unix(sshd:session): session closed for user ").append(user);
    } else {
      b.append("Connection closed by ");
      Dice.appendIpv4(b, http.loadBalancer());
      b.append(" port ").append(30_000 + dice.below(30_000)).append(" [preauth]");
    }
    return Severity.INFO;
  }

  private Severity cron() {
    line.append(dice.pick(CRON_LINES));
    return Severity.INFO;
  }
}
