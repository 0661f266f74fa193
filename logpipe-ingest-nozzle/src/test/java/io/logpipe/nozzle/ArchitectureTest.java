package io.logpipe.nozzle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The nozzle sees the hub only through {@code RecordPublisher} and {@code EnvelopeTopic}. */
class ArchitectureTest {
  static final JavaClasses NOZZLE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.logpipe.nozzle");

  @Test
  void theNozzleDoesNotDependOnKafkaOrOtherModules() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "kafka..",
            "io.logpipe.kafka..",
            "io.logpipe.http..",
            "io.logpipe.syslog..")
        .because("records reach Kafka through the RecordPublisher contract only")
        .check(NOZZLE);
  }
}
