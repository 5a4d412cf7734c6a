package io.mailplane.tls;

import io.mailplane.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * Writes certificates into the TLS volume so that no reader ever sees a half-written file or a key
 * that does not belong to the certificate next to it.
 *
 * <p>Layout (all links relative, so they resolve wherever the volume is mounted):
 *
 * <pre>
 * .versions/&lt;label&gt;/&lt;id&gt;/{fullchain,cert,chain,privkey}.pem   immutable once written
 * _primary -&gt; .versions/_primary/&lt;id&gt;                        swapped atomically
 * tls.crt  -&gt; _primary/fullchain.pem                          names the seed's daemons read
 * tls.key  -&gt; _primary/privkey.pem
 * &lt;name&gt;   -&gt; .versions/&lt;name&gt;/&lt;id&gt;                          swapped atomically
 * </pre>
 *
 * <p>Why a versioned directory and a symlink swap rather than renaming `tls.key` then `tls.crt`:
 * with two separately renamed files, a reader opening the certificate before the writer's first
 * rename and the key after it gets a mismatched pair whatever the order of the renames. A fresh
 * directory holds a complete pair before anything points at it, and one rename of one link replaces
 * key and certificate together: a reader that resolves the link once (as {@link #readPrimary()}
 * does, and `cat _primary/*` within one directory lookup) always gets a matching pair. Readers
 * going through `tls.crt` and `tls.key` resolve the link twice and can still straddle a swap in a
 * window of microseconds; they are the daemons, which re-read on the reload the outbox triggers
 * after the swap. The previous versions stay on disk ({@link #KEEP} of them), so a reader that
 * resolved the old link a moment ago still finds its files.
 */
@ApplicationScoped
public class TlsVolume {
  /** The label of the primary pair: `_` is not allowed in certificate names, so never clashes. */
  static final String PRIMARY = "_primary";

  static final String VERSIONS = ".versions";

  /** Versions kept per certificate, the live one included. */
  static final int KEEP = 3;

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final boolean keyGroupReadable;
  private final Optional<String> keyGroup;

  /** Version ids sort by creation: milliseconds, made strictly increasing within this process. */
  private long lastId;

  @Inject
  public TlsVolume(TlsConfig config) {
    this(Path.of(config.directory()), config.keyGroupReadable(), config.keyGroup());
  }

  public TlsVolume(Path directory, boolean keyGroupReadable, Optional<String> keyGroup) {
    this.directory = directory.toAbsolutePath();
    this.keyGroupReadable = keyGroupReadable;
    this.keyGroup = keyGroup;
  }

  public Path directory() {
    return directory;
  }

  /** Replaces `tls.crt` / `tls.key`, the pair the mta and mda serve. */
  public synchronized void writePrimary(TlsPair pair) throws IOException {
    swap(PRIMARY, pair);
    // Only differs the first time, or when an operator left regular files here (the seed's
    // layout). That migration is the one moment the two names can disagree: key first, so a daemon
    // that fails on the mismatch is reloaded once the certificate follows.
    link(directory.resolve("tls.key"), Path.of(PRIMARY, "privkey.pem"));
    link(directory.resolve("tls.crt"), Path.of(PRIMARY, "fullchain.pem"));
    fsync(directory);
  }

  /** Replaces `&lt;name&gt;/{fullchain,cert,chain,privkey}.pem`. */
  public synchronized void write(String name, TlsPair pair) throws IOException {
    swap(validName(name), pair);
  }

  /**
   * Deletes `&lt;name&gt;` and its versions; the primary pair is never touched, nor an entry of
   * that name that this class did not write (an operator's file or directory in the volume).
   */
  public synchronized void remove(String name) throws IOException {
    Path live = directory.resolve(validName(name));
    if (!Files.isDirectory(directory)) {
      return;
    }
    if (isOwnLink(live, name)) {
      Files.deleteIfExists(live);
    }
    Path versions = directory.resolve(VERSIONS).resolve(name);
    if (Files.isDirectory(versions)) {
      try (Stream<Path> entries = Files.walk(versions)) {
        for (Path path : entries.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
    fsync(directory);
  }

  /**
   * The certificate names that have files written here (a live link into .versions, or versions),
   * never the primary pair, nor anything that is not a valid certificate name, nor entries an
   * operator put into the volume (a dot-less file such as `dhparams` is not ours to sweep).
   */
  public Set<String> names() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String name : validNames(directory)) {
      if (isOwnLink(directory.resolve(name), name)) {
        names.add(name);
      }
    }
    // Everything below .versions is written by this class only.
    names.addAll(validNames(directory.resolve(VERSIONS)));
    return names;
  }

  private static List<String> validNames(Path parent) throws IOException {
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(parent)) {
      return entries
          .map(path -> path.getFileName().toString())
          .filter(name -> NAME.matcher(name).matches())
          .toList();
    }
  }

  /**
   * Whether `live` is the link {@link #swap} makes: relative, to
   * `.versions/&lt;name&gt;/&lt;id&gt;`.
   */
  private static boolean isOwnLink(Path live, String name) throws IOException {
    if (!Files.isSymbolicLink(live)) {
      return false;
    }
    Path target = Files.readSymbolicLink(live);
    return !target.isAbsolute()
        && target.getNameCount() == 3
        && target.getName(0).toString().equals(VERSIONS)
        && target.getName(1).toString().equals(name);
  }

  /** The primary pair as the daemons would see it, read consistently; empty when absent. */
  public Optional<TlsPair> readPrimary() throws IOException {
    return read(directory.resolve(PRIMARY), "fullchain.pem", "privkey.pem")
        .or(() -> readLegacyPrimary());
  }

  /** A named certificate, read consistently; empty when absent. */
  public Optional<TlsPair> read(String name) throws IOException {
    return read(directory.resolve(validName(name)), "fullchain.pem", "privkey.pem");
  }

  private Optional<TlsPair> readLegacyPrimary() {
    // `tls.crt` / `tls.key` as regular files: written by an operator or the seed, never by us.
    try {
      Path crt = directory.resolve("tls.crt");
      if (Files.isSymbolicLink(crt) || !Files.exists(crt)) {
        return Optional.empty();
      }
      return read(directory, "tls.crt", "tls.key");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<TlsPair> read(Path link, String chainFile, String keyFile) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path resolved;
      try {
        // Resolving once pins one version directory for both reads.
        resolved = link.toRealPath();
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
      try {
        String chain = Files.readString(resolved.resolve(chainFile), StandardCharsets.US_ASCII);
        String key = Files.readString(resolved.resolve(keyFile), StandardCharsets.US_ASCII);
        return Optional.of(parse(chain, key));
      } catch (NoSuchFileException e) {
        // The version was cleaned up between resolving and reading (KEEP swaps happened): the link
        // now points at a newer one.
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  /** Parses PEM text; throws IOException for anything that is not a key and certificates. */
  static TlsPair parse(String chainPem, String keyPem) throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(chainPem))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof X509CertificateHolder holder) {
          chain.add(certificates.getCertificate(holder));
        }
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException("unparsable certificate: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IOException("no certificate");
    }
    PrivateKey key;
    try (PEMParser parser = new PEMParser(new StringReader(keyPem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        key = keys.getPrivateKey(info);
      } else if (object instanceof PEMKeyPair keyPair) {
        key = keys.getPrivateKey(keyPair.getPrivateKeyInfo());
      } else {
        throw new IOException("no private key");
      }
    } catch (RuntimeException e) {
      throw new IOException("unparsable private key: " + e.getMessage(), e);
    }
    return new TlsPair(key, chain);
  }

  static String validName(String name) {
    // Names become path components in a directory the daemons trust: no separators, no dots (so no
    // `..`, no hidden entries, no clash with tls.crt or .versions), no `_` (reserved for _primary).
    if (name == null || !NAME.matcher(name).matches()) {
      throw ApiException.invalid("name", "must be 1 to 63 characters a-z, 0-9 or '-'");
    }
    return name;
  }

  private void swap(String label, TlsPair pair) throws IOException {
    Path live = directory.resolve(label);
    if (Files.exists(live, LinkOption.NOFOLLOW_LINKS) && !isOwnLink(live, label)) {
      // An operator's file or directory of that name: renaming the link over it would destroy it.
      throw new IOException(
          live + " exists and was not written by mailplane; move it away to install " + label);
    }
    Path versions = directory.resolve(VERSIONS).resolve(label);
    Files.createDirectories(versions);
    String id = nextId();
    Path version = versions.resolve(id);
    Files.createDirectory(version);
    // Files go straight into the new directory: nothing points at it yet, so no reader can see
    // them half-written. The fsyncs make the content durable before the link that publishes it.
    writeFile(
        version.resolve("privkey.pem"),
        pem(List.of(new JcaPKCS8Generator(pair.key(), null))),
        true);
    writeFile(version.resolve("cert.pem"), pem(List.of(pair.leaf())), false);
    writeFile(
        version.resolve("chain.pem"), pem(pair.chain().subList(1, pair.chain().size())), false);
    writeFile(version.resolve("fullchain.pem"), pem(pair.chain()), false);
    fsync(version);
    fsync(versions);
    link(live, Path.of(VERSIONS, label, id));
    fsync(directory);
    prune(versions, id);
  }

  /** Points `at` to `target` by renaming a fresh link over it: readers see the old or the new. */
  private void link(Path at, Path target) throws IOException {
    if (Files.isSymbolicLink(at) && Files.readSymbolicLink(at).equals(target)) {
      return;
    }
    Path temporary = at.resolveSibling("." + at.getFileName() + ".tmp-" + randomHex());
    Files.createSymbolicLink(temporary, target);
    try {
      Files.move(temporary, at, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
  }

  private void writeFile(Path file, String content, boolean privateKey) throws IOException {
    // Created with its final restrictive mode, so the key is never readable by others, not even
    // for the instant before a chmod.
    Set<PosixFilePermission> mode =
        PosixFilePermissions.fromString(
            privateKey ? (keyGroupReadable ? "rw-r-----" : "rw-------") : "rw-r--r--");
    try (FileChannel channel =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(privateKey ? ownerOnly() : mode))) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    if (privateKey && keyGroupReadable) {
      // Group first, then widen: the file is readable by the intended group only.
      if (keyGroup.isPresent()) {
        GroupPrincipal group =
            file.getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(keyGroup.get());
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setGroup(group);
      }
      Files.setPosixFilePermissions(file, mode);
    } else {
      // The umask may have narrowed the mode given at creation.
      Files.setPosixFilePermissions(file, mode);
    }
  }

  private static Set<PosixFilePermission> ownerOnly() {
    return PosixFilePermissions.fromString("rw-------");
  }

  /** Deletes all but the newest KEEP versions, never the live one. */
  private void prune(Path versions, String live) throws IOException {
    List<Path> old;
    try (Stream<Path> entries = Files.list(versions)) {
      old =
          entries
              .filter(path -> !path.getFileName().toString().equals(live))
              .sorted(Comparator.comparing((Path path) -> path.getFileName().toString()).reversed())
              .skip(KEEP - 1)
              .toList();
    }
    for (Path version : old) {
      try (Stream<Path> files = Files.list(version)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(version);
    }
  }

  private String nextId() {
    long now = System.currentTimeMillis();
    lastId = Math.max(now, lastId + 1);
    // Fixed width, so ids sort by time as strings; the random part keeps two replicas apart.
    return String.format("%016x-%s", lastId, randomHex());
  }

  private static String randomHex() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String pem(List<?> objects) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        if (object instanceof PemObjectGenerator generator) {
          writer.writeObject(generator);
        } else {
          writer.writeObject(object);
        }
      }
    }
    return out.toString();
  }

  private static void fsync(Path directory) throws IOException {
    // A rename or a new entry is durable only once its directory is.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
