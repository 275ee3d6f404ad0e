package net.edgegw.aggregator.topology;

import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TopologyFileTest {

    @Test
    void csvWithQuotesTagsAndAnyColumnOrder() {
        var entries = TopologyFile.parseCsv("""
                site,upstream,region,tags
                # towers behind agg-7
                site-0001,agg-7,eu-west,"tier=gold;owner=Acme, Inc."

                site-0002,agg-7,,
                site-0003 , "agg-8" ,eu-west,lat=48.85;lon=2.35
                """);
        assertThat(entries).containsExactly(
                new TopologyEntry("site-0001", "eu-west", "agg-7", Map.of("tier", "gold", "owner", "Acme, Inc.")),
                new TopologyEntry("site-0002", null, "agg-7", Map.of()),
                new TopologyEntry("site-0003", "eu-west", "agg-8", Map.of("lat", "48.85", "lon", "2.35")));
        assertThat(TopologyFile.parseCsv("site\ns1\n")).containsExactly(new TopologyEntry("s1", null, null, null));
    }

    @Test
    void csvErrorsNameRowAndLineAndLoadNothing() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> TopologyFile.parseCsv("""
                site,region,upstream,tags
                site-0001,eu,agg-7,
                Site_2,eu,agg-7,
                site-0003,eu
                site-0001,eu,agg-9,
                site-0005,eu,agg-9,tier
                ,eu,agg-9,
                """));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "row 2.site (line 3): 'Site_2' is not a site id ([a-z0-9][a-z0-9-]{0,62})",
                "row 3 (line 4): has 2 field(s), the header has 4 (site,region,upstream,tags)",
                "row 4.site (line 5): duplicate site 'site-0001' (first on line 2)",
                "row 5.tags (line 6): 'tier' is not a tag: write key=value;key=value",
                "row 6.site (line 7): is required");
    }

    @Test
    void csvHeaderIsRequired() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> TopologyFile.parseCsv("site-0001,eu,agg-7,\n"));
        assertThat(e.errors()).extracting(ConfigError::toString).contains(
                "header (line 1): unknown column 'site-0001' (columns: site, region, upstream, tags; the first row must be the header)",
                "header (line 1): the header row must name the column 'site' (got site-0001,eu,agg-7,)");
        assertThat(catchThrowableOfType(ConfigException.class, () -> TopologyFile.parseCsv("\n")).getMessage())
                .isEqualTo("empty file: a header row (site,region,upstream,tags) is required");
    }

    @Test
    void yamlListOrSitesMapping() {
        var list = TopologyFile.parseYaml("""
                - {site: site-0001, region: eu-west, upstream: agg-7, tags: {tier: gold}}
                - site: site-0002
                  upstream: agg-7
                """);
        assertThat(list).containsExactly(
                new TopologyEntry("site-0001", "eu-west", "agg-7", Map.of("tier", "gold")),
                new TopologyEntry("site-0002", null, "agg-7", Map.of()));
        var mapped = TopologyFile.parseYaml("sites:\n  - {site: s9, region: r}\n");
        assertThat(mapped).containsExactly(new TopologyEntry("s9", "r", null, Map.of()));
    }

    @Test
    void yamlErrorsNameKeyAndLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> TopologyFile.parseYaml("""
                sites:
                  - {site: site-0001, upstream: agg-7}
                  - {site: SITE, upstream: agg-7}
                  - {site: site-0001}
                  - {region: eu}
                  - {site: s5, colour: red}
                """));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "sites[1].site (line 3): 'SITE' is not a site id ([a-z0-9][a-z0-9-]{0,62})",
                "sites[2].site (line 4): duplicate site 'site-0001' (first on line 2)",
                "sites[3].site (line 5): is required",
                "sites[4].colour (line 6): unknown key (known here: site, region, upstream, tags)");
    }

    @Test
    void fileTypeByExtension(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("topo.YML"), "- {site: a1}\n");
        assertThat(TopologyFile.read(yml)).hasSize(1);
        Path txt = Files.writeString(dir.resolve("topo.txt"), "site\na1\n");
        assertThat(catchThrowableOfType(ConfigException.class, () -> TopologyFile.read(txt)).getMessage())
                .isEqualTo("unknown file type 'topo.txt': use .csv, .yaml or .yml");
    }
}
