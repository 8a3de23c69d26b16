/// The byte-to-text algorithms behind the multibase encodings. Decoders are strict: they accept only what the
/// matching encoder produces (apart from letter case where the encoding is case-insensitive).
enum BaseCoding {
    /// RFC 4648-style bit groups (base2, base8, base16, base32, base64): `bits` per character, most significant
    /// first, the last group zero-filled; with `padding`, `=` up to a whole block.
    struct BitGroups: Sendable {
        let alphabet: [UInt8]
        let bits: Int
        let padding: Bool
        let caseInsensitive: Bool
        private let values: [Int8]

        init(_ alphabet: String, padding: Bool = false, caseInsensitive: Bool = false) {
            self.alphabet = Array(alphabet.utf8)
            self.bits = self.alphabet.count.trailingZeroBitCount
            self.padding = padding
            self.caseInsensitive = caseInsensitive
            self.values = BaseCoding.valueTable(self.alphabet, caseInsensitive: caseInsensitive)
        }

        /// Characters per padded block: the least multiple of `bits` that is a whole number of bytes.
        private var blockCharacters: Int { 8 / gcd(8, bits) }

        func encode(_ bytes: [UInt8]) -> String {
            var out: [UInt8] = []
            out.reserveCapacity((bytes.count * 8 + bits - 1) / bits)
            var buffer: UInt32 = 0
            var buffered = 0
            let mask = UInt32(1 << bits - 1)
            for byte in bytes {
                buffer = buffer << 8 | UInt32(byte)
                buffered += 8
                while buffered >= bits {
                    buffered -= bits
                    out.append(alphabet[Int(buffer >> UInt32(buffered) & mask)])
                }
            }
            if buffered > 0 { out.append(alphabet[Int(buffer << UInt32(bits - buffered) & mask)]) }
            if padding {
                while out.count % blockCharacters != 0 { out.append(UInt8(ascii: "=")) }
            }
            return String(decoding: out, as: UTF8.self)
        }

        func decode(_ text: Substring, name: String) throws(MultiformatError) -> [UInt8] {
            var characters = Array(text.utf8)
            if padding {
                guard characters.count % blockCharacters == 0 else {
                    throw .invalidEncoding(base: name, reason: "length is not a whole number of padded blocks")
                }
                let padCount = characters.reversed().prefix { $0 == UInt8(ascii: "=") }.count
                guard padCount < blockCharacters else { throw .invalidEncoding(base: name, reason: "too much padding") }
                characters.removeLast(padCount)
                // The padding must be exactly what the encoder adds for this many characters.
                let unpadded = characters.count % blockCharacters
                let expectedPad = unpadded == 0 ? 0 : blockCharacters - unpadded
                guard padCount == expectedPad else { throw .invalidEncoding(base: name, reason: "wrong padding") }
            }
            var out: [UInt8] = []
            out.reserveCapacity(characters.count * bits / 8)
            var buffer: UInt32 = 0
            var buffered = 0
            for character in characters {
                let value = values[Int(character)]
                guard value >= 0 else {
                    throw .invalidEncoding(base: name, reason: "'\(Unicode.Scalar(character))' is not in the alphabet")
                }
                buffer = buffer << UInt32(bits) | UInt32(value)
                buffered += bits
                if buffered >= 8 {
                    buffered -= 8
                    out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(buffered)))
                }
            }
            // What is left must be fewer bits than one character and all zero, as the encoder leaves it.
            guard buffered < bits, buffer & UInt32(1 << buffered - 1) == 0 else {
                throw .invalidEncoding(base: name, reason: "trailing bits are not a canonical encoding")
            }
            return out
        }
    }

    /// Base-N as a big number (base10, base36, base58): each leading zero byte is one leading zero digit.
    struct BigNumber: Sendable {
        let alphabet: [UInt8]
        let caseInsensitive: Bool
        private let values: [Int8]

        /// Decoding and encoding are quadratic; longer texts are refused.
        static let maximumLength = 4096

        init(_ alphabet: String, caseInsensitive: Bool = false) {
            self.alphabet = Array(alphabet.utf8)
            self.caseInsensitive = caseInsensitive
            self.values = BaseCoding.valueTable(self.alphabet, caseInsensitive: caseInsensitive)
        }

        func encode(_ bytes: [UInt8]) -> String {
            let zeros = bytes.prefix { $0 == 0 }.count
            let base = UInt32(alphabet.count)
            var digits: [UInt8] = []  // least significant first
            for byte in bytes[zeros...] {
                var carry = UInt32(byte)
                for index in digits.indices {
                    carry += UInt32(digits[index]) << 8
                    digits[index] = UInt8(carry % base)
                    carry /= base
                }
                while carry > 0 {
                    digits.append(UInt8(carry % base))
                    carry /= base
                }
            }
            let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
            return String(decoding: text, as: UTF8.self)
        }

        func decode(_ text: Substring, name: String) throws(MultiformatError) -> [UInt8] {
            let characters = Array(text.utf8)
            guard characters.count <= Self.maximumLength else {
                throw .invalidEncoding(base: name, reason: "longer than \(Self.maximumLength) characters")
            }
            let zeroDigit = values[Int(alphabet[0])]
            let zeros = characters.prefix { values[Int($0)] == zeroDigit }.count
            let base = UInt32(alphabet.count)
            var bytes: [UInt8] = []  // least significant first
            for character in characters[zeros...] {
                let value = values[Int(character)]
                guard value >= 0 else {
                    throw .invalidEncoding(base: name, reason: "'\(Unicode.Scalar(character))' is not in the alphabet")
                }
                var carry = UInt32(value)
                for index in bytes.indices {
                    carry += UInt32(bytes[index]) * base
                    bytes[index] = UInt8(truncatingIfNeeded: carry)
                    carry >>= 8
                }
                while carry > 0 {
                    bytes.append(UInt8(truncatingIfNeeded: carry))
                    carry >>= 8
                }
            }
            return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
        }
    }

    /// RFC 9285 base45: two bytes to three characters (least significant first), a last odd byte to two.
    struct Base45: Sendable {
        static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        private static let values = BaseCoding.valueTable(alphabet, caseInsensitive: false)

        func encode(_ bytes: [UInt8]) -> String {
            var out: [UInt8] = []
            var index = 0
            while index < bytes.count {
                let pair = index + 1 < bytes.count
                var number = Int(bytes[index])
                if pair { number = number << 8 | Int(bytes[index + 1]) }
                for _ in 0..<(pair ? 3 : 2) {
                    out.append(Self.alphabet[number % 45])
                    number /= 45
                }
                index += 2
            }
            return String(decoding: out, as: UTF8.self)
        }

        func decode(_ text: Substring, name: String) throws(MultiformatError) -> [UInt8] {
            let characters = Array(text.utf8)
            guard characters.count % 3 != 1 else { throw .invalidEncoding(base: name, reason: "impossible length") }
            var out: [UInt8] = []
            var index = 0
            while index < characters.count {
                let chunk = characters[index..<min(index + 3, characters.count)]
                var number = 0
                for character in chunk.reversed() {
                    let value = Self.values[Int(character)]
                    guard value >= 0 else {
                        throw .invalidEncoding(
                            base: name, reason: "'\(Unicode.Scalar(character))' is not in the alphabet")
                    }
                    number = number * 45 + Int(value)
                }
                guard number <= (chunk.count == 3 ? 0xFFFF : 0xFF) else {
                    throw .invalidEncoding(base: name, reason: "a group is out of range")
                }
                if chunk.count == 3 { out.append(UInt8(number >> 8)) }
                out.append(UInt8(number & 0xFF))
                index += 3
            }
            return out
        }
    }

    /// One emoji per byte (the multibase base256emoji table).
    struct Emoji: Sendable {
        static let alphabet: [Unicode.Scalar] = Array(
            "🚀🪐☄🛰🌌🌑🌒🌓🌔🌕🌖🌗🌘🌍🌏🌎🐉☀💻🖥💾💿😂❤😍🤣😊🙏💕😭😘👍😅👏😁🔥🥰💔💖💙😢🤔😆🙄💪😉☺👌🤗💜😔😎😇🌹🤦🎉💞✌✨🤷😱😌🌸🙌😋💗💚😏💛🙂💓🤩😄😀🖤😃💯🙈👇🎶😒🤭❣😜💋👀😪😑💥🙋😞😩😡🤪👊🥳😥🤤👉💃😳✋😚😝😴🌟😬🙃🍀🌷😻😓⭐✅🥺🌈😈🤘💦✔😣🏃💐☹🎊💘😠☝😕🌺🎂🌻😐🖕💝🙊😹🗣💫💀👑🎵🤞😛🔴😤🌼😫⚽🤙☕🏆🤫👈😮🙆🍻🍃🐶💁😲🌿🧡🎁⚡🌞🎈❌✊👋😰🤨😶🤝🚶💰🍓💢🤟🙁🚨💨🤬✈🎀🍺🤓😙💟🌱😖👶🥴▶➡❓💎💸⬇😨🌚🦋😷🕺⚠🙅😟😵👎🤲🤠🤧📌🔵💅🧐🐾🍒😗🤑🌊🤯🐷☎💧😯💆👆🎤🙇🍑❄🌴💣🐸💌📍🥀🤢👅💡💩👐📸👻🤐🤮🎼🥵🚩🍎🍊👼💍📣🥂"
                .unicodeScalars)
        private static let values: [UInt32: UInt8] = Dictionary(
            uniqueKeysWithValues: alphabet.enumerated().map { ($1.value, UInt8($0)) })

        func encode(_ bytes: [UInt8]) -> String {
            var text = String.UnicodeScalarView()
            for byte in bytes { text.append(Self.alphabet[Int(byte)]) }
            return String(text)
        }

        func decode(_ text: Substring, name: String) throws(MultiformatError) -> [UInt8] {
            var out: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard let byte = Self.values[scalar.value] else {
                    throw .invalidEncoding(
                        base: name, reason: "U+\(String(scalar.value, radix: 16)) is not in the alphabet")
                }
                out.append(byte)
            }
            return out
        }
    }

    /// Character value by ASCII byte (-1 for none); both letter cases when `caseInsensitive`.
    static func valueTable(_ alphabet: [UInt8], caseInsensitive: Bool) -> [Int8] {
        var table = [Int8](repeating: -1, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = Int8(value)
            if caseInsensitive {
                table[Int(lowercased(character))] = Int8(value)
                table[Int(uppercased(character))] = Int8(value)
            }
        }
        return table
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func uppercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
