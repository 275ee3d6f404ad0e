package net.edgegw.testkit;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules themselves: they must fail on a back-edge and on a package cycle, or the ArchitectureTest of every
 * module proves nothing. The offending classes are compiled fixtures in test packages named like the modules'.
 */
class ModuleBoundariesTest {

    @Test
    void testkitItselfKeepsTheMap() {
        ModuleBoundaries.check("net.edgegw.testkit");
    }

    @Test
    void aBackEdgeFromAnInputToTheUplinkFails() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                net.edgegw.adapters.fixture.InputThatSendsItself.class, net.edgegw.uplink.fixture.Producer.class);
        assertThatThrownBy(() -> ModuleBoundaries.check("net.edgegw.adapters", classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("InputThatSendsItself")
                .hasMessageContaining("net.edgegw.uplink.fixture.Producer");
    }

    @Test
    void theSameEdgeForwardIsAllowed() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                net.edgegw.uplink.fixture.Producer.class, net.edgegw.storeforward.fixture.Lane.class);
        assertThatCode(() -> ModuleBoundaries.check("net.edgegw.uplink", classes)).doesNotThrowAnyException();
    }

    @Test
    void aCycleBetweenPackagesOfOneModuleFails() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                net.edgegw.storeforward.fixture.Lane.class, net.edgegw.storeforward.fixture.cycle.Roller.class);
        assertThatThrownBy(() -> ModuleBoundaries.check("net.edgegw.storeforward", classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle");
    }

    @Test
    void everyModuleRootIsKnown() {
        assertThat(ModuleBoundaries.ALLOWED).containsKeys("net.edgegw.core", "net.edgegw.adapters",
                "net.edgegw.storeforward", "net.edgegw.pipeline", "net.edgegw.uplink", "net.edgegw.web",
                "net.edgegw.gateway", "net.edgegw.aggregator");
        assertThatThrownBy(() -> ModuleBoundaries.rules("net.edgegw.nowhere")).isInstanceOf(IllegalArgumentException.class);
    }
}
