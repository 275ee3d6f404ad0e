package net.edgegw.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority for tests, made with the JDK's {@code keytool} (no BouncyCastle): an EC CA with
 * {@code CA:true}, and certificates it signs for servers (SAN {@code 127.0.0.1} and {@code localhost}, serverAuth) or
 * clients (clientAuth), each written as a PEM certificate and an unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE
 * KEY}), which both the JDK and OpenSSL (Mosquitto) read. Certificates are valid for two days. Each call runs
 * {@code keytool} a few times (about a second each). Not thread-safe.
 */
public final class TestPki {

    private static final String PASS = "changeit";

    /** A certificate signed by this CA, with its key. */
    public record Issued(Path certPem, Path keyPem) {
    }

    private final Path dir;
    private final String name;
    private final Path caStore;
    private final Path caPem;

    private TestPki(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        this.caStore = dir.resolve(name + "-ca.p12");
        this.caPem = dir.resolve(name + "-ca.pem");
    }

    /** Creates a new CA named {@code CN=<name> test CA}; its files go to {@code dir} under the prefix {@code name}. */
    public static TestPki create(Path dir, String name) {
        TestPki pki = new TestPki(dir, name);
        try {
            Files.createDirectories(dir);
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + name + " test CA", "-ext", "bc:c", "-ext", "KU=keyCertSign,cRLSign",
                    "-validity", "2", "-keystore", pki.caStore.toString(), "-storetype", "PKCS12",
                    "-storepass", PASS, "-keypass", PASS);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", pki.caStore.toString(), "-storepass", PASS,
                    "-file", pki.caPem.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pki;
    }

    /** The CA certificate (PEM): what a client trusts to accept certificates this CA issued. */
    public Path caPem() {
        return caPem;
    }

    /** A server certificate for {@code 127.0.0.1} / {@code localhost}, signed by this CA. */
    public Issued server(String alias) {
        return issue(alias, "CN=localhost", List.of("-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-ext", "KU=digitalSignature,keyAgreement", "-ext", "EKU=serverAuth"));
    }

    /** A client certificate {@code CN=<cn>}, signed by this CA. */
    public Issued client(String alias, String cn) {
        return issue(alias, "CN=" + cn, List.of("-ext", "KU=digitalSignature,keyAgreement", "-ext", "EKU=clientAuth"));
    }

    private Issued issue(String alias, String dname, List<String> ext) {
        String base = name + "-" + alias;
        Path store = dir.resolve(base + ".p12");
        Path csr = dir.resolve(base + ".csr");
        Path cert = dir.resolve(base + ".crt.pem");
        Path key = dir.resolve(base + ".key.pem");
        try {
            keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                    "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", PASS, "-keypass", PASS);
            keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-storepass", PASS,
                    "-file", csr.toString());
            List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca",
                    "-keystore", caStore.toString(), "-storepass", PASS, "-infile", csr.toString(),
                    "-outfile", cert.toString(), "-validity", "2"));
            gencert.addAll(ext);
            keytool(gencert.toArray(new String[0]));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, PASS.toCharArray());
            }
            PrivateKey pk = (PrivateKey) ks.getKey(alias, PASS.toCharArray());
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pk.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the generated key of " + base + ": " + e, e);
        }
        return new Issued(cert, key);
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool failed: " + cmd + "\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
