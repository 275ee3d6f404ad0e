package net.edgegw.adapters.net;

import java.nio.file.Path;

/**
 * TLS material of a server listener, all PEM files.
 *
 * @param certChainPem  the server certificate chain (leaf first)
 * @param privateKeyPem the server's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param clientCaPem   CA certificates that client certificates must chain to; null = no client authentication,
 *                      set = mutual TLS required (clients without a valid certificate are refused)
 */
public record TlsSettings(Path certChainPem, Path privateKeyPem, Path clientCaPem) {
    public TlsSettings {
        if (certChainPem == null) {
            throw new IllegalArgumentException("tls certChainPem is required");
        }
        if (privateKeyPem == null) {
            throw new IllegalArgumentException("tls privateKeyPem is required");
        }
    }

    /** True when clients must present a certificate (mTLS). */
    public boolean clientAuthRequired() {
        return clientCaPem != null;
    }
}
