package net.edgegw.testkit;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.lang.ArchRule;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module map of the product as rules the build checks (docs/architecture.md draws the same map). Each module's
 * {@code ArchitectureTest} calls {@link #check(String)} with its package root; the test fails when a main class of
 * the module
 * <ul>
 *   <li>uses a class of a project module it may not use (a back-edge against the data path
 *       inputs -> pipeline -> buffer -> uplink, or a product reaching into the other product), or</li>
 *   <li>takes part in a dependency cycle between the packages of the module.</li>
 * </ul>
 * Maven already refuses a cycle between modules; these rules also refuse an edge that Maven would allow (a new pom
 * dependency that goes against the map) and a cycle inside a module. Thread-safe (stateless).
 */
public final class ModuleBoundaries {

    private static final String P = "net.edgegw.";
    private static final String CORE = P + "core";
    private static final String ADAPTERS = P + "adapters";
    private static final String STOREFORWARD = P + "storeforward";
    private static final String PIPELINE = P + "pipeline";
    private static final String UPLINK = P + "uplink";
    private static final String WEB = P + "web";
    private static final String GATEWAY = P + "gateway";
    private static final String AGGREGATOR = P + "aggregator";
    private static final String TESTKIT = P + "testkit";
    private static final String DEMO = P + "demo";
    private static final String BENCH = P + "bench";

    /** Module package root -> the project package roots its main code may use (besides its own). */
    public static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry(CORE, Set.of()),
            Map.entry(TESTKIT, Set.of()),
            Map.entry(ADAPTERS, Set.of(CORE)),
            Map.entry(STOREFORWARD, Set.of(CORE)),
            Map.entry(PIPELINE, Set.of(CORE, STOREFORWARD)),
            Map.entry(UPLINK, Set.of(CORE, STOREFORWARD)),
            Map.entry(WEB, Set.of(CORE)),
            Map.entry(GATEWAY, Set.of(CORE, ADAPTERS, STOREFORWARD, PIPELINE, UPLINK, WEB)),
            Map.entry(AGGREGATOR, Set.of(CORE, WEB)),
            Map.entry(DEMO, Set.of(CORE, TESTKIT)),
            Map.entry(BENCH, Set.of(CORE, ADAPTERS, STOREFORWARD, PIPELINE, UPLINK, WEB, GATEWAY, AGGREGATOR,
                    TESTKIT)));

    private ModuleBoundaries() {
    }

    /**
     * Imports the main classes under {@code root} from the classpath (test classes excluded) and checks both rules.
     *
     * @throws AssertionError naming every offending dependency or cycle
     */
    public static void check(String root) {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root);
        if (classes.isEmpty()) {
            throw new AssertionError("no main classes found under " + root + ": is the package root right?");
        }
        check(root, classes);
    }

    /** Checks both rules on the given classes of the module whose package root is {@code root}. */
    public static void check(String root, JavaClasses classes) {
        for (ArchRule rule : rules(root)) {
            rule.check(classes);
        }
    }

    /** The rules for the module whose package root is {@code root}. */
    public static List<ArchRule> rules(String root) {
        Set<String> allowed = ALLOWED.get(root);
        if (allowed == null) {
            throw new IllegalArgumentException("unknown module root " + root + "; known: " + new TreeSet<>(ALLOWED.keySet()));
        }
        Set<String> forbidden = new TreeSet<>(ALLOWED.keySet());
        forbidden.remove(root);
        forbidden.removeAll(allowed);
        ArchRule boundaries = noClasses().that().resideInAPackage(root + "..")
                .should().dependOnClassesThat(inAnyOf(forbidden))
                .as("main classes of " + root + " use only " + (allowed.isEmpty() ? "no other project module"
                        : new TreeSet<>(allowed)) + " (docs/architecture.md, module map)")
                .allowEmptyShould(true);
        ArchRule acyclic = slices().assignedFrom(packagesOf(root)).should().beFreeOfCycles()
                .as("the packages of " + root + " are free of cycles");
        return List.of(boundaries, acyclic);
    }

    private static DescribedPredicate<JavaClass> inAnyOf(Set<String> roots) {
        return DescribedPredicate.describe("reside in " + roots, c -> roots.stream()
                .anyMatch(r -> c.getPackageName().equals(r) || c.getPackageName().startsWith(r + ".")));
    }

    private static SliceAssignment packagesOf(String root) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                return p.equals(root) || p.startsWith(root + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "packages of " + root;
            }
        };
    }
}
