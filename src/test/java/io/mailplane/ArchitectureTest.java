package io.mailplane;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, checked on the compiled production classes. No
 * exceptions are listed: a back-edge is fixed where it is, not allowed here. A package not named
 * below is a feature and is held to the feature rule.
 */
class ArchitectureTest {
  private static final String ROOT = "io.mailplane";
  private static final List<String> FOUNDATION = List.of("api", "common", "crypto");
  private static final List<String> PLATFORM = List.of("auth", "events", "audit", "push");
  private static final List<String> COMPOSITION = List.of("config", "imports");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void importsPointDown() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Foundation")
        .definedBy(packages(FOUNDATION))
        .layer("Platform")
        .definedBy(packages(PLATFORM))
        .layer("Features")
        .definedBy(features())
        .layer("Composition")
        .definedBy(packages(COMPOSITION))
        .whereLayer("Composition")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Features")
        .mayOnlyBeAccessedByLayers("Composition")
        .whereLayer("Platform")
        .mayOnlyBeAccessedByLayers("Features", "Composition")
        .whereLayer("Foundation")
        .mayOnlyBeAccessedByLayers("Platform", "Features", "Composition")
        .check(classes);
  }

  /**
   * The foundation depends on nothing of mailplane; only api (the HTTP edge) knows common's neutral
   * values, to answer their validation failures as problems.
   */
  @Test
  void foundationStandsAlone() {
    dependsOnlyOn("common");
    dependsOnlyOn("crypto");
    dependsOnlyOn("api", "common");
  }

  private static void dependsOnlyOn(String name, String... allowed) {
    DescribedPredicate<JavaClass> target = resideOutsideOfPackage(ROOT + "..");
    for (String other : concat(name, allowed)) {
      target = target.or(resideInAPackage(ROOT + "." + other + ".."));
    }
    classes()
        .that()
        .resideInAPackage(ROOT + "." + name + "..")
        .should()
        .onlyDependOnClassesThat(target)
        .check(classes);
  }

  private static List<String> concat(String first, String... rest) {
    List<String> all = new java.util.ArrayList<>(List.of(rest));
    all.add(first);
    return all;
  }

  private static String[] packages(List<String> names) {
    return names.stream().map(name -> ROOT + "." + name + "..").toArray(String[]::new);
  }

  /** Every mailplane package that is not foundation, platform or composition. */
  private static DescribedPredicate<JavaClass> features() {
    return DescribedPredicate.describe(
        "any other " + ROOT + " package",
        javaClass -> {
          String name = javaClass.getPackageName();
          if (!name.startsWith(ROOT + ".")) {
            return false;
          }
          String top = name.substring(ROOT.length() + 1).split("\\.")[0];
          return !FOUNDATION.contains(top) && !PLATFORM.contains(top) && !COMPOSITION.contains(top);
        });
  }
}
