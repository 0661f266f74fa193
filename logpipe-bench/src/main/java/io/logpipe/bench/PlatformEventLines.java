package io.logpipe.bench;

import io.logpipe.bench.Foundation.App;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Stream;

/**
 * The lines the platform itself writes into an app's log stream: router access lines (RTR), staging
 * output (STG), container lifecycle (CELL), API actions (API) and SSH sessions (SSH). Sets the
 * message, severity and stream of the record being built. Not thread-safe.
 */
final class PlatformEventLines {
  private static final String[][] BUILDPACK_LINES = {
    { // SPRING
      "-----> Java Buildpack v4.77.0 (offline) | https://github.com/cloudfoundry/java-buildpack#d6ff7b0",
      "-----> Downloading Jvmkill Agent 1.17.0_RELEASE from https://java-buildpack.cloudfoundry.org/jvmkill/jammy/x86_64/jvmkill-1.17.0-RELEASE.so (found in cache)",
      "-----> Downloading Open Jdk JRE 17.0.10_7 from https://java-buildpack.cloudfoundry.org/openjdk/jammy/x86_64/bellsoft-jre17.0.10%2B13-linux-amd64.tar.gz (found in cache)",
      "       Expanding Open Jdk JRE to .java-buildpack/open_jdk_jre (1.2s)",
      "       JVM DNS caching disabled in lieu of BOSH DNS caching",
      "-----> Downloading Open JDK Like Memory Calculator 3.13.0_RELEASE from https://java-buildpack.cloudfoundry.org/memory-calculator/jammy/x86_64/memory-calculator-3.13.0-RELEASE.tar.gz (found in cache)",
      "       Loaded Classes: 21342, Threads: 250",
      "-----> Downloading Spring Auto Reconfiguration 2.12.0_RELEASE from https://java-buildpack.cloudfoundry.org/auto-reconfiguration/auto-reconfiguration-2.12.0-RELEASE.jar (found in cache)",
    },
    { // NODE
      "-----> Nodejs Buildpack version 1.8.22",
      "-----> Installing binaries",
      "       engines.node (package.json): 20.x",
      "       engines.npm (package.json): unspecified (use default)",
      "-----> Installing node 20.12.1",
      "       Copy [/tmp/buildpacks/b3a1c2/dependencies/4f2e/node_20.12.1_linux_x64_cflinuxfs4_a1b2c3d4.tgz]",
      "-----> Installing dependencies",
      "       Installing node modules (package.json + package-lock.json)",
      "       added 312 packages, and audited 313 packages in 9s",
    },
    { // GO
      "-----> Go Buildpack version 1.10.18",
      "-----> Installing go 1.22.2",
      "       Copy [/tmp/buildpacks/7c1d2e/dependencies/9a8b/go_1.22.2_linux_x64_cflinuxfs4_f1b2c3d4.tgz]",
      "-----> Running: go install -tags cloudfoundry -buildmode pie .",
      "       **WARNING** Installing package '.' (default)",
    },
    { // PYTHON
      "-----> Python Buildpack version 1.8.21",
      "-----> Supplying Python",
      "-----> Installing python 3.11.8",
      "-----> Running Pip Install",
      "       Collecting flask==3.0.3",
      "       Collecting gunicorn==21.2.0",
      "       Successfully installed Flask-3.0.3 Jinja2-3.1.3 gunicorn-21.2.0 itsdangerous-2.1.2",
    },
    { // RUBY
      "-----> Ruby Buildpack version 1.10.12",
      "       Installing bundler 2.5.6",
      "-----> Installing ruby 3.2.3",
      "       Running: bundle install --without development:test --jobs=4 --retry=4 --deployment",
      "       Bundle complete! 42 Gemfile dependencies, 118 gems now installed.",
      "       Bundled gems are installed into `./vendor/bundle`",
    },
    { // NGINX
      "-----> Staticfile Buildpack version 1.6.12",
      "-----> Installing nginx",
      "       Using Nginx version 1.25.4",
      "-----> Root folder /tmp/app/public",
      "-----> Copying project files into public",
      "-----> Configuring nginx",
    },
  };

  private static final String[] STAGING_LINES = {
    "Downloading app package...",
    "Downloading build artifacts cache...",
    "Uploading droplet, build artifacts cache...",
    "Uploading droplet...",
    "Uploading build artifacts cache...",
    "Uploading complete",
    "Exit status 0",
    "Staging complete",
  };

  private final Dice dice;
  private final HttpTraffic http;
  private final StringBuilder line = new StringBuilder(1024);

  PlatformEventLines(Dice dice, HttpTraffic http) {
    this.dice = dice;
    this.http = http;
  }

  /** Writes the gorouter access line of a request to one app instance. */
  void router(LogRecord.Builder r, App app, int instance) {
    StringBuilder b = line;
    b.setLength(0);
    http.appendRouterAccess(b, app, instance, http.status());
    r.severity(Severity.INFO).stream(Stream.OUT).message(b.toString());
  }

  /** Writes a line of the app's staging task. */
  void staging(LogRecord.Builder r, App app) {
    StringBuilder b = line;
    b.setLength(0);
    Severity severity = Severity.INFO;
    Stream stream = Stream.OUT;
    int t = dice.below(100);
    String cell = app.cells()[0].boshId();
    if (t < 55) {
      b.append(dice.pick(BUILDPACK_LINES[app.runtime().ordinal()]));
    } else if (t < 80) {
      b.append(dice.pick(STAGING_LINES));
    } else if (t < 88) {
      b.append(dice.percent(50) ? "Downloaded app package (" : "Uploaded droplet (");
      Dice.appendDecimal(b, 50 + dice.below(2500), 1).append("M)");
    } else if (t < 96) {
      b.append("Cell ")
          .append(cell)
          .append(dice.percent(50) ? " creating" : " successfully created");
      b.append(" container for instance ");
      dice.appendUuid(b);
    } else {
      severity = Severity.WARNING;
      stream = Stream.ERR;
      b.append(
          app.runtime() == Foundation.Runtime.NODE
              ? "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks"
                  + " memory. Do not use it."
              : "**WARNING** A start command was not specified in the manifest, using the"
                  + " detected default");
    }
    r.severity(severity).stream(stream).message(b.toString());
  }

  /** Writes a container lifecycle line of one app instance. */
  void cell(LogRecord.Builder r, App app, int instance) {
    StringBuilder b = line;
    b.setLength(0);
    Severity severity = Severity.INFO;
    Stream stream = Stream.OUT;
    String cell = app.cells()[instance].boshId();
    String guid = app.instanceGuids()[instance];
    switch (dice.below(12)) {
      case 0 ->
          b.append("Cell ").append(cell).append(" creating container for instance ").append(guid);
      case 1 ->
          b.append("Cell ")
              .append(cell)
              .append(" successfully created container for instance ")
              .append(guid);
      case 2 -> b.append("Downloading droplet...");
      case 3 ->
          Dice.appendDecimal(b.append("Downloaded droplet ("), 50 + dice.below(2500), 1)
              .append("M)");
      case 4 -> b.append("Starting health monitoring of container");
      case 5, 6 -> b.append("Container became healthy");
      case 7 -> {
        severity = Severity.WARNING;
        b.append("Container became unhealthy");
      }
      case 8 -> b.append("Cell ").append(cell).append(" stopping instance ").append(guid);
      case 9 ->
          b.append("Cell ").append(cell).append(" destroying container for instance ").append(guid);
      case 10 ->
          b.append("Cell ")
              .append(cell)
              .append(" successfully destroyed container for instance ")
              .append(guid);
      default -> {
        int status = dice.percent(70) ? 143 : 137;
        severity = status == 137 ? Severity.ERR : Severity.INFO;
        stream = status == 137 ? Stream.ERR : Stream.OUT;
        b.append("Exit status ").append(status);
      }
    }
    r.severity(severity).stream(stream).message(b.toString());
  }

  /** Writes a Cloud Controller action on the app. */
  void api(LogRecord.Builder r, App app, int instance, long epochNanos) {
    StringBuilder b = line;
    b.setLength(0);
    Severity severity = Severity.INFO;
    String process = app.web() ? "web" : "worker";
    switch (dice.below(7)) {
      case 0 ->
          b.append("Updated app with guid ").append(app.id()).append(" ({\"state\"=>\"STARTED\"})");
      case 1 ->
          b.append("Updated app with guid ").append(app.id()).append(" ({\"state\"=>\"STOPPED\"})");
      case 2 -> b.append("Creating build for app with guid ").append(app.id());
      case 3 -> b.append("Restarted app with guid ").append(app.id());
      case 4 ->
          b.append("Updated process: \"")
              .append(process)
              .append("\" ({\"instances\"=>")
              .append(app.instances())
              .append("})");
      case 5 -> {
        severity = Severity.WARNING;
        b.append("Process has crashed with type: \"").append(process).append('"');
      }
      default -> {
        severity = Severity.WARNING;
        b.append("App instance exited with guid ")
            .append(app.id())
            .append(" payload: {\"instance\"=>\"");
        b.append(app.instanceGuids()[instance]).append("\", \"index\"=>").append(instance);
        b.append(", \"cell_id\"=>\"").append(app.cells()[instance].boshId());
        b.append("\", \"reason\"=>\"CRASHED\", \"exit_description\"=>\"APP/PROC/");
        b.append(app.web() ? "WEB" : "WORKER").append(": Exited with status 137 (out of memory)\"");
        b.append(", \"crash_count\"=>").append(1 + dice.below(5)).append(", \"crash_timestamp\"=>");
        b.append(epochNanos).append(", \"version\"=>\"");
        b.append(app.processGuid(), 37, 73).append("\"}");
      }
    }
    r.severity(severity).stream(Stream.OUT).message(b.toString());
  }

  /** Writes an SSH session line of one app instance. */
  void ssh(LogRecord.Builder r, int clientAddress) {
    StringBuilder b = line;
    b.setLength(0);
    b.append(dice.percent(50) ? "Successful remote access by " : "Remote access ended for ");
    Dice.appendIpv4(b, clientAddress);
    b.append(':').append(30_000 + dice.below(30_000));
    r.severity(Severity.INFO).stream(Stream.OUT).message(b.toString());
  }
}
