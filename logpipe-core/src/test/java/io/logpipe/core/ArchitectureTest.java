package io.logpipe.core;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Core holds the record, the codecs, config and contracts; transports stay out of it. */
class ArchitectureTest {
  static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.logpipe.core");

  @Test
  void coreImportsNoTransportOrStorageLibrary() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "kafka..",
            "io.netty..",
            "software.amazon..",
            "org.apache.lucene..",
            "io.micrometer..")
        .because("core must stay free of transports so every module can use it")
        .check(CORE);
  }

  @Test
  void coreDependsOnNoOtherLogpipeModule() {
    noClasses()
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.logpipe..").and(not(resideInAPackage("io.logpipe.core.."))))
        .check(CORE);
  }
}
