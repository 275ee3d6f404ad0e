package net.edgegw.adapters.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.nio.file.Files;
import java.nio.file.Path;

/** Builds Netty server {@link SslContext}s from {@link TlsSettings}. */
public final class ServerTls {

    private ServerTls() {
    }

    /**
     * A server context offering TLS 1.3 and 1.2, requiring client certificates when {@code clientCaPem} is set.
     *
     * @throws IllegalArgumentException naming the file when a file is missing, unreadable or not valid PEM
     */
    public static SslContext serverContext(TlsSettings tls) {
        requireReadable(tls.certChainPem(), "certChainPem");
        requireReadable(tls.privateKeyPem(), "privateKeyPem");
        if (tls.clientCaPem() != null) {
            requireReadable(tls.clientCaPem(), "clientCaPem");
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(tls.certChainPem().toFile(), tls.privateKeyPem().toFile())
                    .protocols("TLSv1.3", "TLSv1.2");
            if (tls.clientCaPem() != null) {
                b.trustManager(tls.clientCaPem().toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot load TLS material (cert " + tls.certChainPem() + ", key "
                    + tls.privateKeyPem() + (tls.clientCaPem() == null ? "" : ", client CA " + tls.clientCaPem())
                    + "): " + e.getMessage(), e);
        }
    }

    private static void requireReadable(Path p, String what) {
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("tls " + what + " is not a readable file: " + p);
        }
    }
}
