package net.edgegw.adapters.testing;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Generates throw-away TLS material with the JDK's keytool (no BouncyCastle needed): an EC key pair and a
 * self-signed certificate per name, as PKCS#12 (for JDK clients) and PEM (for the server under test).
 */
public final class TestCerts {

    public static final char[] PASSWORD = "changeit".toCharArray();

    public record Material(Path p12, Path certPem, Path keyPem) {
    }

    private TestCerts() {
    }

    public static Material generate(Path dir, String alias, String cn) throws Exception {
        Path p12 = dir.resolve(alias + ".p12");
        Path cert = dir.resolve(alias + ".crt.pem");
        Path key = dir.resolve(alias + ".key.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + cn, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", alias, "-keystore", p12.toString(),
                "-storepass", "changeit", "-file", cert.toString()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(p12.toFile())) {
            ks.load(in, PASSWORD);
        }
        PrivateKey pk = (PrivateKey) ks.getKey(alias, PASSWORD);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pk.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(key, pem, StandardCharsets.US_ASCII);
        return new Material(p12, cert, key);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + cmd + "\n" + out);
        }
    }
}
