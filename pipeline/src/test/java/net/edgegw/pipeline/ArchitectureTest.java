package net.edgegw.pipeline;

import net.edgegw.testkit.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** The module's place in the module map (docs/architecture.md): no back-edge, no package cycle. */
class ArchitectureTest {

    @Test
    void mainClassesKeepTheModuleMap() {
        ModuleBoundaries.check("net.edgegw.pipeline");
    }
}
