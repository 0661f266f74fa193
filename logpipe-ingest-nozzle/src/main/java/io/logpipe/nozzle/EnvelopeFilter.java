package io.logpipe.nozzle;

import java.util.List;
import java.util.Set;

/**
 * {@code nozzle.filters}: keeps or drops a record by its app, space and org, each matched by GUID
 * or by name. An exclude list wins over an include list. When a list names spaces or orgs and a
 * record's space or org is not known (no names in the envelope, not in the Cloud Controller cache
 * yet), {@code unknown} decides. Immutable, thread-safe.
 */
final class EnvelopeFilter {
  private final Set<String> includeOrgs;
  private final Set<String> includeSpaces;
  private final Set<String> includeApps;
  private final Set<String> excludeOrgs;
  private final Set<String> excludeSpaces;
  private final Set<String> excludeApps;
  private final boolean keepUnknown;
  private final boolean none;

  EnvelopeFilter(NozzleSettings.Filters f) {
    includeOrgs = Set.copyOf(f.includeOrgs());
    includeSpaces = Set.copyOf(f.includeSpaces());
    includeApps = Set.copyOf(f.includeApps());
    excludeOrgs = Set.copyOf(f.excludeOrgs());
    excludeSpaces = Set.copyOf(f.excludeSpaces());
    excludeApps = Set.copyOf(f.excludeApps());
    keepUnknown = f.keepUnknown();
    none = f.none();
  }

  /** True when no filter is set (every record is kept). */
  boolean none() {
    return none;
  }

  /** True when org or space filters are set, so names help to decide. */
  boolean needsNames() {
    return !includeOrgs.isEmpty()
        || !includeSpaces.isEmpty()
        || !excludeOrgs.isEmpty()
        || !excludeSpaces.isEmpty()
        || !includeApps.isEmpty()
        || !excludeApps.isEmpty();
  }

  /** Why the record is left out ({@code app}, {@code space}, {@code org}), or null to keep it. */
  String reject(
      String appId,
      String appName,
      String spaceId,
      String spaceName,
      String orgId,
      String orgName) {
    if (none) {
      return null;
    }
    if (rejects(includeApps, excludeApps, appId, appName, appName != null)) {
      return "app";
    }
    if (rejects(
        includeSpaces, excludeSpaces, spaceId, spaceName, spaceId != null || spaceName != null)) {
      return "space";
    }
    if (rejects(includeOrgs, excludeOrgs, orgId, orgName, orgId != null || orgName != null)) {
      return "org";
    }
    return null;
  }

  private boolean rejects(
      Set<String> include, Set<String> exclude, String id, String name, boolean known) {
    if (include.isEmpty() && exclude.isEmpty()) {
      return false;
    }
    boolean inExclude = matches(exclude, id, name);
    if (inExclude) {
      return true;
    }
    if (!include.isEmpty()) {
      if (matches(include, id, name)) {
        return false;
      }
      return known || !keepUnknown;
    }
    // Only an exclude list, and no match: drop if we cannot tell and unknown says drop.
    return !known && !keepUnknown;
  }

  private static boolean matches(Set<String> set, String id, String name) {
    return (id != null && set.contains(id)) || (name != null && set.contains(name));
  }

  static List<String> reasons() {
    return List.of("app", "space", "org");
  }
}
