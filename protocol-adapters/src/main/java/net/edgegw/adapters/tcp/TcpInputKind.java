package net.edgegw.adapters.tcp;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.InputCommon;
import net.edgegw.adapters.InputKind;
import net.edgegw.core.Source;
import net.edgegw.core.config.Fields;

import java.nio.file.Path;

/** The {@code type: tcp} input kind: {@link TcpInputParser} and {@link TcpSource}. Stateless, thread-safe. */
public final class TcpInputKind implements InputKind<TcpInput> {

    @Override
    public String type() {
        return TcpInput.TYPE;
    }

    @Override
    public Class<TcpInput> configClass() {
        return TcpInput.class;
    }

    @Override
    public TcpInput parse(Fields in, InputCommon common) {
        return TcpInputParser.parse(in, common);
    }

    /** {@inheritDoc} The TCP input keeps no state ({@code stateDir} is not used). */
    @Override
    public Source createSource(TcpInput config, MetricRegistry metrics, Path stateDir) {
        return new TcpSource(config.settings(), metrics);
    }
}
