package dev.tursosync.release;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the bundle Maven Central's Publisher Portal takes: a zip in the repository layout
 * ({@code dev/tursosync/<artifactId>/<version>/...}) with an MD5, SHA-1, SHA-256 and SHA-512 checksum beside every
 * file but the signatures. Entries are sorted and carry one fixed time, so the same files give the same zip.
 */
final class BundleWriter {

    private static final Map<String, String> CHECKSUMS = Map.of("md5", "MD5", "sha1", "SHA-1", "sha256", "SHA-256",
            "sha512", "SHA-512");
    private static final FileTime ENTRY_TIME = FileTime.fromMillis(315532800000L); // 1980-01-01, the zip epoch

    private BundleWriter() {
    }

    static void write(List<StagedComponent> components, Path zip) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        for (StagedComponent component : components) {
            for (Path file : component.files()) {
                String name = component.repositoryPath() + "/" + component.bundleName(file);
                byte[] content = Files.readAllBytes(file);
                entries.put(name, content);
                if (!name.endsWith(".asc")) {
                    CHECKSUMS.forEach((extension, algorithm) -> entries.put(name + "." + extension,
                            digest(algorithm, content).getBytes(StandardCharsets.US_ASCII)));
                }
            }
        }
        Files.createDirectories(zip.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipOut = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                ZipEntry zipEntry = new ZipEntry(entry.getKey());
                zipEntry.setLastModifiedTime(ENTRY_TIME);
                zipOut.putNextEntry(zipEntry);
                zipOut.write(entry.getValue());
                zipOut.closeEntry();
            }
        }
    }

    private static String digest(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + algorithm, e);
        }
    }
}
