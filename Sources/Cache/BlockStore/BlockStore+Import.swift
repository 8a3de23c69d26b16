/// Bringing content in: the CLI and the kubo RPC import files and CARs the same way.
extension BlockStore {
    /// A UnixFS importer whose blocks go straight into this store (their CIDs come from the importer's own
    /// hashing, so they are not hashed again).
    public func fileImporter(options: UnixFSImporter.Options) -> UnixFSImporter {
        UnixFSImporter(options: options) { cid, block in try self.putHashed(block, as: cid) }
    }

    /// Stores every block `reader` hands out (the reader has verified each against its CID); returns how many
    /// blocks and bytes that was. The roots are the caller's to pin.
    public func importBlocks(from reader: inout CARReader) throws -> (blocks: Int, bytes: Int) {
        var count = (blocks: 0, bytes: 0)
        while let (cid, block) = try reader.next() {
            try putHashed(block, as: cid)
            count.blocks += 1
            count.bytes += block.count
        }
        return count
    }
}
