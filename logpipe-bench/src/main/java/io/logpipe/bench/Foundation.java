package io.logpipe.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The simulated Cloud Foundry foundation whose logs a {@link LoadGenerator} writes: orgs, spaces,
 * apps with their instances and routes, and the BOSH-deployed hosts of the platform. Built once
 * from a seed, with its own random stream, so that the topology does not depend on how many records
 * are drawn. Immutable after construction.
 */
final class Foundation {
  static final int ORG_COUNT = 40;
  static final int SPACES_PER_ORG = 3;
  static final int APP_COUNT = 500;

  /** The language or server an app runs on; it decides what the app's own lines look like. */
  enum Runtime {
    SPRING,
    NODE,
    GO,
    PYTHON,
    RUBY,
    NGINX
  }

  /** A BOSH instance group of the platform deployment. */
  enum Role {
    ROUTER("router", "router", 12, 1),
    DIEGO_CELL("diego-cell", "diego_cell", 135, 16),
    API("api", "api", 6, 4),
    CC_WORKER("cc-worker", "cc_worker", 4, 4),
    UAA("uaa", "uaa", 4, 5),
    DIEGO_API("diego-api", "diego_api", 3, 6),
    SCHEDULER("scheduler", "scheduler", 4, 6),
    DOPPLER("doppler", "doppler", 16, 8),
    LOG_API("log-api", "log_api", 6, 8),
    NATS("nats", "nats", 3, 2),
    DATABASE("database", "database", 3, 3),
    CREDHUB("credhub", "credhub", 2, 5),
    TCP_ROUTER("tcp-router", "tcp_router", 2, 1);

    final String hostPrefix;
    final String group;
    final int count;
    final int subnet;

    Role(String hostPrefix, String group, int count, int subnet) {
      this.hostPrefix = hostPrefix;
      this.group = group;
      this.count = count;
      this.subnet = subnet;
    }
  }

  record Org(String id, String name) {}

  record Space(String id, String name, Org org) {}

  /**
   * One app. Arrays are indexed by instance and never modified.
   *
   * @param noun the business word in its name, used for paths, tables and class names
   * @param javaPackage the base package of its classes, if it were written in Java
   * @param className the noun in UpperCamelCase
   * @param processGuid the Diego process guid (app guid and version)
   * @param peer the name of another app it calls
   */
  record App(
      int index,
      String id,
      String name,
      Space space,
      Runtime runtime,
      boolean web,
      int instances,
      String noun,
      String javaPackage,
      String className,
      String route,
      String processGuid,
      String peer,
      String[] instanceGuids,
      Host[] cells,
      String[] backends) {}

  /**
   * One VM of the platform.
   *
   * @param boshId the BOSH instance id, which Diego also uses as the cell id
   * @param ip the address in the platform network, as text
   * @param address the same address as a number
   * @param bootEpochSecond when the kernel booted, for its uptime stamps
   * @param tags az, deployment and instance group, as the syslog forwarder adds them
   */
  record Host(
      int index,
      String name,
      Role role,
      String boshId,
      String ip,
      int address,
      long bootEpochSecond,
      SortedMap<String, String> tags) {}

  private static final String[] ORG_NAMES = {
    "acme-retail", "payments-platform", "data-platform", "platform-eng", "mobile-banking",
    "marketing-web", "hr-systems", "logistics", "customer-care", "risk-analytics",
    "trading-desk", "claims-processing", "insurance-core", "supply-chain", "ecommerce",
    "identity-services", "digital-channels", "loyalty-program", "fraud-detection", "treasury",
    "wealth-management", "card-services", "lending", "crm", "analytics-lab",
    "devops-tools", "security-ops", "partner-apis", "store-systems", "travel-booking",
    "media-streaming", "iot-fleet", "healthcare-portal", "education-online", "public-sector",
    "energy-trading", "telco-billing", "shared-services", "innovation-lab", "sandbox"
  };

  private static final String[] NON_PROD_SPACE_NAMES = {
    "dev",
    "test",
    "qa",
    "staging",
    "perf",
    "sandbox",
    "integration",
    "uat",
    "demo",
    "preprod",
    "canary"
  };

  private static final String[] NOUNS = {
    "checkout",
    "billing",
    "inventory",
    "payments",
    "catalog",
    "search",
    "notification",
    "auth",
    "profile",
    "orders",
    "shipping",
    "pricing",
    "recommendation",
    "reporting",
    "audit",
    "fraud",
    "loyalty",
    "ledger",
    "invoice",
    "cart",
    "customer",
    "account",
    "session",
    "media",
    "document",
    "analytics",
    "config",
    "feedback",
    "review",
    "coupon",
    "tax",
    "refund",
    "subscription",
    "warehouse",
    "delivery",
    "booking",
    "claims",
    "policy",
    "quote",
    "onboarding",
    "kyc",
    "identity",
    "messaging",
    "email",
    "sms",
    "export",
    "import",
    "etl",
    "metrics",
    "webhook",
    "partner",
    "vendor",
    "product",
    "store",
    "menu",
    "loan",
    "card",
    "transfer",
    "user-profile",
    "price-alert",
    "order-history",
    "gift-card"
  };

  private static final String[] WEB_SUFFIXES = {
    "api", "service", "backend", "gateway", "adapter", "proxy", "api", "service"
  };
  private static final String[] UI_SUFFIXES = {"ui", "web", "frontend"};
  private static final String[] WORKER_SUFFIXES = {
    "worker", "consumer", "scheduler", "batch", "sync", "processor"
  };
  private static final String[] VARIANTS = {"", "", "", "", "", "", "-v2", "-blue", "-green"};

  final Org[] orgs;
  final Space[] spaces;
  final App[] apps;
  final Host[] hosts;
  private final Host[][] hostsByRole;

  Foundation(long seed, long baseEpochSecond) {
    Dice dice = new Dice(Dice.mix(seed ^ 0x5DEE_CE66_DL));
    orgs = new Org[ORG_COUNT];
    for (int i = 0; i < ORG_COUNT; i++) {
      orgs[i] = new Org(dice.uuid(), ORG_NAMES[i]);
    }
    spaces = new Space[ORG_COUNT * SPACES_PER_ORG];
    for (int i = 0; i < ORG_COUNT; i++) {
      // Every org has a prod space and two distinct others.
      int n = NON_PROD_SPACE_NAMES.length;
      int first = dice.below(n);
      int second = (first + 1 + dice.below(n - 1)) % n;
      spaces[i * 3] = new Space(dice.uuid(), NON_PROD_SPACE_NAMES[first], orgs[i]);
      spaces[i * 3 + 1] = new Space(dice.uuid(), NON_PROD_SPACE_NAMES[second], orgs[i]);
      spaces[i * 3 + 2] = new Space(dice.uuid(), "prod", orgs[i]);
    }
    List<Host> all = new ArrayList<>();
    hostsByRole = new Host[Role.values().length][];
    for (Role role : Role.values()) {
      Host[] hs = new Host[role.count];
      for (int i = 0; i < role.count; i++) {
        int address = (10 << 24) | ((role.subnet + i / 200) << 8) | (10 + i % 200);
        StringBuilder ip = new StringBuilder(12);
        Dice.appendIpv4(ip, address);
        TreeMap<String, String> tags = new TreeMap<>();
        tags.put("az", "z" + (1 + i % 3));
        tags.put("deployment", "cf");
        tags.put("group", role.group);
        hs[i] =
            new Host(
                all.size(),
                role.hostPrefix + "-" + i,
                role,
                dice.uuid(),
                ip.toString(),
                address,
                baseEpochSecond - 3600 - dice.below(60 * 86_400),
                Collections.unmodifiableSortedMap(tags));
        all.add(hs[i]);
      }
      hostsByRole[role.ordinal()] = hs;
    }
    hosts = all.toArray(new Host[0]);
    apps = new App[APP_COUNT];
    for (int i = 0; i < APP_COUNT; i++) {
      apps[i] = app(dice, i);
    }
  }

  /** The hosts of one instance group. */
  Host[] hosts(Role role) {
    return hostsByRole[role.ordinal()];
  }

  private App app(Dice dice, int index) {
    Space space = spaces[dice.below(spaces.length)];
    String noun = dice.pick(NOUNS);
    int kind = dice.below(100);
    boolean web = kind < 75;
    String suffix;
    Runtime runtime;
    if (kind < 60) {
      suffix = dice.pick(WEB_SUFFIXES);
      runtime = pickRuntime(dice, 40, 20, 15, 15, 10, 0);
    } else if (kind < 75) {
      suffix = dice.pick(UI_SUFFIXES);
      runtime = pickRuntime(dice, 0, 50, 0, 0, 0, 50);
    } else {
      suffix = dice.pick(WORKER_SUFFIXES);
      runtime = pickRuntime(dice, 40, 5, 20, 25, 10, 0);
    }
    String base = noun + "-" + suffix + dice.pick(VARIANTS);
    String name = base;
    // Names are unique within a space, as the Cloud Controller requires.
    for (int n = 2; isTaken(space, name, index); n++) {
      name = base + "-" + n;
    }
    int instances =
        web ? new int[] {1, 1, 2, 2, 2, 3, 3, 4, 6, 10}[dice.below(10)] : 1 + dice.below(3);
    String id = dice.uuid();
    String[] instanceGuids = new String[instances];
    Host[] cells = new Host[instances];
    String[] backends = new String[instances];
    Host[] allCells = hosts(Role.DIEGO_CELL);
    for (int i = 0; i < instances; i++) {
      instanceGuids[i] = dice.uuid();
      cells[i] = allCells[dice.below(allCells.length)];
      backends[i] = cells[i].ip() + ":" + (61000 + dice.below(4000));
    }
    String domain =
        space.name().equals("prod")
            ? ".apps.example.com"
            : "." + space.name() + ".apps.example.com";
    String peer = dice.pick(NOUNS) + "-" + dice.pick(WEB_SUFFIXES);
    return new App(
        index,
        id,
        name,
        space,
        runtime,
        web,
        instances,
        noun,
        "com.example." + noun.replace("-", ""),
        camel(noun),
        name + domain,
        id + "-" + dice.uuid(),
        peer,
        instanceGuids,
        cells,
        backends);
  }

  private boolean isTaken(Space space, String name, int appsSoFar) {
    for (int i = 0; i < appsSoFar; i++) {
      if (apps[i].space() == space && apps[i].name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static Runtime pickRuntime(Dice dice, int... weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int x = dice.below(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return Runtime.values()[i];
      }
    }
    throw new AssertionError("weights must be positive");
  }

  /** {@code user-profile} as {@code UserProfile}. */
  static String camel(String noun) {
    StringBuilder b = new StringBuilder(noun.length());
    boolean upper = true;
    for (int i = 0; i < noun.length(); i++) {
      char c = noun.charAt(i);
      if (c == '-') {
        upper = true;
      } else {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return b.toString();
  }
}
