package net.edgegw.adapters.syslog;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;
import net.edgegw.adapters.net.AllowList;

/** Pipeline of the syslog UDP channel: just {@link SyslogUdpHandler}. */
final class SyslogUdpInitializer extends ChannelInitializer<DatagramChannel> {

    private final SyslogInputSettings settings;
    private final SyslogIngest ingest;
    private final SyslogMetrics metrics;

    SyslogUdpInitializer(SyslogInputSettings settings, SyslogIngest ingest, SyslogMetrics metrics) {
        this.settings = settings;
        this.ingest = ingest;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        ch.pipeline().addLast("syslog", new SyslogUdpHandler(ingest, metrics, AllowList.of(settings.allow()),
                settings.maxMessageBytes()));
    }
}
