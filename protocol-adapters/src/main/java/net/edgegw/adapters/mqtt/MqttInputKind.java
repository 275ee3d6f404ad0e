package net.edgegw.adapters.mqtt;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.InputCommon;
import net.edgegw.adapters.InputKind;
import net.edgegw.core.Source;
import net.edgegw.core.config.Fields;

import java.nio.file.Path;

/**
 * The {@code type: mqtt} input kind: {@link MqttInputParser} and {@link MqttSource}, which keeps its acknowledgement
 * ledger under {@code stateDir} and asks the buffer about a crash's last message through
 * {@link net.edgegw.core.SourceContext#recent()}. Stateless, thread-safe.
 */
public final class MqttInputKind implements InputKind<MqttInput> {

    @Override
    public String type() {
        return MqttInput.TYPE;
    }

    @Override
    public Class<MqttInput> configClass() {
        return MqttInput.class;
    }

    @Override
    public MqttInput parse(Fields in, InputCommon common) {
        return MqttInputParser.parse(in, common);
    }

    @Override
    public Source createSource(MqttInput config, MetricRegistry metrics, Path stateDir) {
        return new MqttSource(config.settings(), metrics, stateDir);
    }
}
