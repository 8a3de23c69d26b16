/// GPT-2's reversible byte-to-character mapping: byte-level BPE vocabularies store tokens as text in which
/// every byte is one printable character (printable Latin-1 bytes stand for themselves, the others for
/// U+0100 onwards; a space is `Ġ`, U+0120).
enum ByteLevelMapping {
    /// The character standing for each byte value.
    static let scalarForByte: [Unicode.Scalar] = {
        var scalars: [Unicode.Scalar] = []
        var nextUnprintable: UInt32 = 0x100
        for byte in UInt32(0)...255 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                scalars.append(Unicode.Scalar(byte)!)
            } else {
                scalars.append(Unicode.Scalar(nextUnprintable)!)
                nextUnprintable += 1
            }
        }
        return scalars
    }()

    /// The byte each mapped character stands for.
    static let byteForScalar: [Unicode.Scalar: UInt8] = Dictionary(
        uniqueKeysWithValues: scalarForByte.enumerated().map { ($1, UInt8($0)) })

    /// `bytes` as mapped characters.
    static func encode(_ bytes: some Sequence<UInt8>) -> [Unicode.Scalar] {
        bytes.map { scalarForByte[Int($0)] }
    }

    /// The bytes a token's stored text stands for; characters outside the mapping are kept as their UTF-8.
    static func decode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let byte = byteForScalar[scalar] {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }
}
