package net.edgegw.adapters.syslog;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.InputCommon;
import net.edgegw.adapters.InputKind;
import net.edgegw.core.Source;
import net.edgegw.core.config.Fields;

import java.nio.file.Path;

/** The {@code type: syslog} input kind: {@link SyslogInputParser} and {@link SyslogSource}. Stateless, thread-safe. */
public final class SyslogInputKind implements InputKind<SyslogInput> {

    @Override
    public String type() {
        return SyslogInput.TYPE;
    }

    @Override
    public Class<SyslogInput> configClass() {
        return SyslogInput.class;
    }

    @Override
    public SyslogInput parse(Fields in, InputCommon common) {
        return SyslogInputParser.parse(in, common);
    }

    /** {@inheritDoc} The syslog input keeps no state ({@code stateDir} is not used). */
    @Override
    public Source createSource(SyslogInput config, MetricRegistry metrics, Path stateDir) {
        return new SyslogSource(config.settings(), metrics);
    }
}
