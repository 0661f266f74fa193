package io.logpipe.nozzle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeFilterTest {
  static NozzleSettings.Filters filters(
      List<String> incOrgs, List<String> excSpaces, List<String> excApps, boolean keepUnknown) {
    return new NozzleSettings.Filters(
        incOrgs, List.of(), List.of(), List.of(), excSpaces, excApps, keepUnknown);
  }

  @Test
  void matchesGuidsOrNamesAndExcludeWins() {
    EnvelopeFilter f =
        new EnvelopeFilter(
            filters(List.of("shop", "org-guid-2"), List.of("sandbox"), List.of("noisy-app"), true));
    assertThat(f.reject("a1", "checkout", "s1", "prod", "o1", "shop")).isNull();
    assertThat(f.reject("a1", "checkout", "s1", "prod", "org-guid-2", null)).isNull();
    assertThat(f.reject("a1", "checkout", "s1", "prod", "o3", "bank")).isEqualTo("org");
    assertThat(f.reject("a1", "checkout", "s2", "sandbox", "o1", "shop")).isEqualTo("space");
    assertThat(f.reject("a1", "noisy-app", "s1", "prod", "o1", "shop")).isEqualTo("app");
  }

  @Test
  void anUnknownOrgIsKeptOrDroppedAsConfigured() {
    assertThat(
            new EnvelopeFilter(filters(List.of("shop"), List.of(), List.of(), true))
                .reject("a", null, null, null, null, null))
        .isNull();
    assertThat(
            new EnvelopeFilter(filters(List.of("shop"), List.of(), List.of(), false))
                .reject("a", null, null, null, null, null))
        .isEqualTo("org");
  }

  @Test
  void noFilterKeepsEverything() {
    EnvelopeFilter f = new EnvelopeFilter(filters(List.of(), List.of(), List.of(), false));
    assertThat(f.none()).isTrue();
    assertThat(f.reject(null, null, null, null, null, null)).isNull();
  }
}
