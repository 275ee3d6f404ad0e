package net.edgegw.web;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A web server's TLS key material: a configured PEM certificate chain and private key, or a self-signed
 * certificate generated once and kept in a directory of the program's state ({@code cert.pem}, {@code key.pem},
 * owner-only permissions) so that its fingerprint stays the same across restarts. It is generated again only
 * when it expires within {@link #RENEW_BEFORE} or does not name every host it must name.
 *
 * <p>{@code label} is the program's configuration section ({@code dashboard}, {@code web}): messages name the
 * settings as {@code <label>.tlsCert}. Immutable after load, thread-safe.
 */
public final class WebTls {

    static final Duration VALIDITY = Duration.ofDays(825);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(WebTls.class);

    private final KeyStore keyStore;
    private final char[] keyStorePassword;
    private final List<X509Certificate> chain;
    private final boolean generated;

    private WebTls(String label, PrivateKey key, List<X509Certificate> chain, boolean generated) {
        this.chain = List.copyOf(chain);
        this.generated = generated;
        byte[] pw = new byte[24];
        new SecureRandom().nextBytes(pw);
        this.keyStorePassword = HexFormat.of().formatHex(pw).toCharArray();
        try {
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry(label, key, keyStorePassword, chain.toArray(new X509Certificate[0]));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the " + label + " key store", e);
        }
    }

    /** Loads a configured PEM chain + unencrypted key (PKCS#8, EC or RSA). */
    public static WebTls fromPem(String label, Path certFile, Path keyFile) {
        try {
            List<X509Certificate> chain = readCertificates(certFile);
            if (chain.isEmpty()) {
                throw new IllegalStateException(label + ".tlsCert " + certFile + " holds no PEM certificate");
            }
            PrivateKey key = readKey(keyFile);
            return new WebTls(label, key, chain, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + label + " TLS files " + certFile + ", " + keyFile + ": "
                    + e, e);
        }
    }

    /**
     * The self-signed certificate in {@code dir}, generated (or renewed) when missing, expiring, unreadable or not
     * naming every host in {@code hosts} (besides {@code localhost}, {@code 127.0.0.1} and this machine's name).
     *
     * @param subject the certificate's subject, e.g. {@code CN=edgegw cloud-aggregator dashboard,O=edgegw}
     */
    public static WebTls selfSigned(String label, Path dir, String subject, Collection<String> hosts) {
        Path certFile = dir.resolve("cert.pem");
        Path keyFile = dir.resolve("key.pem");
        Set<String> names = subjectNames(hosts);
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            try {
                List<X509Certificate> chain = readCertificates(certFile);
                PrivateKey key = readKey(keyFile);
                X509Certificate cert = chain.get(0);
                Set<String> have = sanNames(cert);
                boolean expiring = cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
                if (!expiring && have.containsAll(names)) {
                    return new WebTls(label, key, chain, true);
                }
                LOG.warn("{} self-signed certificate in {} is {}: generating a new one (its fingerprint changes)",
                        label, dir, expiring ? "expiring" : "missing host names " + difference(names, have));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                LOG.warn("{} self-signed certificate in {} is unreadable ({}): generating a new one", label, dir,
                        e.toString());
            }
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair kp = g.generateKeyPair();
            X509Certificate cert = generate(kp, subject, names);
            Files.createDirectories(dir);
            writeOwnerOnly(keyFile, pem(new PemObject("PRIVATE KEY", kp.getPrivate().getEncoded()))); // PKCS#8
            writeOwnerOnly(certFile, pem(cert));
            LOG.info("{}: generated a self-signed TLS certificate in {} for {}", label, dir, names);
            return new WebTls(label, kp.getPrivate(), List.of(cert), true);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the " + label + " TLS certificate", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the " + label + " TLS certificate in " + dir, e);
        }
    }

    KeyStore keyStore() {
        return keyStore;
    }

    char[] keyStorePassword() {
        return keyStorePassword.clone();
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Whether this is the generated self-signed certificate (not a configured one). */
    public boolean generated() {
        return generated;
    }

    /** SHA-256 of the leaf certificate (DER), upper-case hex pairs joined by colons, as browsers show it. */
    public String fingerprint() {
        return fingerprint(certificate());
    }

    /** {@link #fingerprint()} of any certificate. */
    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate generate(KeyPair kp, String subjectName, Set<String> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name(subjectName);
        BigInteger serial = new BigInteger(127, new SecureRandom());
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, kp.getPublic());
        List<GeneralName> san = new ArrayList<>();
        for (String n : names) {
            san.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(new GeneralName[0])));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    static Set<String> subjectNames(Collection<String> hosts) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
        for (String h : hosts) {
            if (h != null && !h.isBlank() && !h.equals("0.0.0.0") && !h.equals("::") && !h.equals("[::]")) {
                names.add(h.toLowerCase(Locale.ROOT).replace("[", "").replace("]", ""));
            }
        }
        try {
            names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            // no host name: localhost and the configured names still apply
        }
        return names;
    }

    private static Set<String> sanNames(X509Certificate cert) throws CertificateParsingException {
        Set<String> have = new LinkedHashSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> e : sans) {
                have.add(String.valueOf(e.get(1)).toLowerCase(Locale.ROOT));
            }
        }
        return have;
    }

    private static Set<String> difference(Set<String> want, Set<String> have) {
        Set<String> d = new LinkedHashSet<>(want);
        d.removeAll(have);
        return d;
    }

    private static boolean isIpLiteral(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }

    /** Every certificate in a PEM file, in file order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    try {
                        out.add(new JcaX509CertificateConverter().getCertificate(h));
                    } catch (GeneralSecurityException e) {
                        throw new IOException("bad certificate in " + file, e);
                    }
                }
            }
        }
        return out;
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null) {
                JcaPEMKeyConverter c = new JcaPEMKeyConverter();
                if (o instanceof PEMKeyPair kp) {
                    return c.getPrivateKey(kp.getPrivateKeyInfo()); // SEC1 / PKCS#1 (the public part may be absent)
                }
                if (o instanceof PrivateKeyInfo pki) {
                    return c.getPrivateKey(pki);
                }
            }
        }
        throw new IOException(file + " holds no unencrypted PEM private key (PKCS#8, EC or RSA)");
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
