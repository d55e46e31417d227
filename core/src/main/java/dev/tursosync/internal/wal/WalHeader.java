package dev.tursosync.internal.wal;

/**
 * The 32-byte header of a WAL file, as stored (all fields big-endian on disk).
 *
 * @param magic              {@code 0x377f0682} (checksums over little-endian words) or {@code 0x377f0683} (big-endian)
 * @param version            the format version; SQLite only opens {@code 3007000}
 * @param pageSize           the database page size in bytes
 * @param checkpointSequence incremented by SQLite each time it restarts the WAL
 * @param salt1              first salt; every valid frame repeats it
 * @param salt2              second salt; every valid frame repeats it
 * @param checksum1          first half of the checksum over the first 24 header bytes
 * @param checksum2          second half of that checksum
 */
public record WalHeader(int magic, int version, int pageSize, int checkpointSequence, int salt1, int salt2,
                        int checksum1, int checksum2) {

    /**
     * Whether checksums are computed over big-endian 32-bit words (the magic's low bit).
     *
     * @return {@code true} for magic {@code 0x377f0683}
     */
    public boolean bigEndianChecksums() {
        return (magic & 1) == 1;
    }

    @Override
    public String toString() {
        return String.format("WalHeader[magic=%08x, version=%d, pageSize=%d, checkpointSequence=%d, salts=%08x/%08x,"
                + " checksum=%08x/%08x]", magic, version, pageSize, checkpointSequence, salt1, salt2, checksum1,
                checksum2);
    }
}
