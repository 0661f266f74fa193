package io.logpipe.syslog;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The listeners see the hub only through {@code RecordPublisher}. */
class ArchitectureTest {
  static final JavaClasses SYSLOG =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.logpipe.syslog");

  @Test
  void theListenersDoNotDependOnKafkaOrOtherModules() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..", "kafka..", "io.logpipe.kafka..", "io.logpipe.http..")
        .because("records reach Kafka through the RecordPublisher contract only")
        .check(SYSLOG);
  }
}
