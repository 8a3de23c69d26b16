// The only file that imports CSecp256k1: every libsecp256k1 call, as plain Swift values in and out.
import CSecp256k1

/// Thin, internal wrappers over libsecp256k1: key checks, public keys, recoverable ECDSA.
enum Secp256k1 {
    /// One context for the whole process, blinded with a seed from the OS CSPRNG against side channels.
    ///
    /// libsecp256k1 documents every function that takes a `const` context as thread-safe, and the context is
    /// never mutated after this initializer (randomization happens before it is shared).
    private static let context: Context = Context()

    /// Owns the context pointer.
    // Safe: the pointer never leaves this file and the context lives as long as the process.
    // Sound (@unchecked Sendable): the pointer is written once here and only passed as `const` afterwards.
    @safe private final class Context: @unchecked Sendable {
        let pointer: OpaquePointer

        init() {
            guard let created = unsafe secp256k1_context_create(CSecp256k1_contextNone()) else {
                preconditionFailure("libsecp256k1: context creation failed")
            }
            var seed = SystemRandom.bytes(32)
            // Sound: `seed` holds the 32 bytes the call reads.
            let ok = unsafe seed.withUnsafeBufferPointer {
                unsafe secp256k1_context_randomize(created, $0.baseAddress!)
            }
            precondition(ok == 1, "libsecp256k1: context randomization failed")
            for index in seed.indices { seed[index] = 0 }
            unsafe pointer = created
        }
    }

    /// Whether `secret` (32 bytes) is a valid secret key: not zero and below the group order.
    static func isValidSecretKey(_ secret: [UInt8]) -> Bool {
        guard secret.count == 32 else { return false }
        // Sound: `secret` holds the 32 bytes the call reads.
        return unsafe secret.withUnsafeBufferPointer {
            unsafe secp256k1_ec_seckey_verify(context.pointer, $0.baseAddress!) == 1
        }
    }

    /// The 65-byte uncompressed public key (0x04 ‖ x ‖ y) of a secret key already checked valid.
    static func publicKey(secret: [UInt8]) -> [UInt8] {
        precondition(isValidSecretKey(secret), "publicKey(secret:) needs a validated secret key")
        var point = secp256k1_pubkey()
        // Sound: `point` outlives the call and `secret` holds 32 bytes.
        let ok = unsafe secret.withUnsafeBufferPointer {
            unsafe secp256k1_ec_pubkey_create(context.pointer, &point, $0.baseAddress!)
        }
        precondition(ok == 1, "libsecp256k1: pubkey_create failed for a valid key")
        return serialize(point)
    }

    /// The 65-byte uncompressed form of a public key given in any SEC 1 encoding; `nil` if not on the curve.
    static func normalizedPublicKey(_ encoded: [UInt8]) -> [UInt8]? {
        var point = secp256k1_pubkey()
        // Sound: `point` outlives the call and the buffer holds `encoded.count` bytes.
        let ok = unsafe encoded.withUnsafeBufferPointer {
            unsafe secp256k1_ec_pubkey_parse(context.pointer, &point, $0.baseAddress!, $0.count)
        }
        return ok == 1 ? serialize(point) : nil
    }

    /// Signs a 32-byte digest with RFC 6979 nonces; returns r ‖ s (64 bytes, s low) and the recovery id (0 or 1).
    static func signRecoverable(digest: [UInt8], secret: [UInt8]) -> (compact: [UInt8], recoveryID: Int) {
        precondition(digest.count == 32 && isValidSecretKey(secret), "signRecoverable needs a digest and valid key")
        var signature = secp256k1_ecdsa_recoverable_signature()
        // Sound: `signature` outlives the call; both buffers hold 32 bytes. A nil nonce function selects RFC 6979.
        let ok = unsafe digest.withUnsafeBufferPointer { hash in
            unsafe secret.withUnsafeBufferPointer { key in
                unsafe secp256k1_ecdsa_sign_recoverable(
                    context.pointer, &signature, hash.baseAddress!, key.baseAddress!, nil, nil)
            }
        }
        precondition(ok == 1, "libsecp256k1: signing failed with a valid key")
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        // Sound: `compact` has the 64 bytes the call writes; `recoveryID` outlives the call.
        unsafe compact.withUnsafeMutableBufferPointer {
            _ = unsafe secp256k1_ecdsa_recoverable_signature_serialize_compact(
                context.pointer, $0.baseAddress!, &recoveryID, &signature)
        }
        return (compact, Int(recoveryID))
    }

    /// The 65-byte uncompressed public key that signed `digest` with r ‖ s and `recoveryID` (0...3); `nil` when
    /// r or s is not below the group order or no key recovers.
    static func recover(digest: [UInt8], compact: [UInt8], recoveryID: Int) -> [UInt8]? {
        precondition(digest.count == 32 && compact.count == 64 && (0...3).contains(recoveryID), "bad recover input")
        var signature = secp256k1_ecdsa_recoverable_signature()
        // Sound: `signature` outlives the call and `compact` holds the 64 bytes it reads.
        let parsed = unsafe compact.withUnsafeBufferPointer {
            unsafe secp256k1_ecdsa_recoverable_signature_parse_compact(
                context.pointer, &signature, $0.baseAddress!, Int32(recoveryID))
        }
        guard parsed == 1 else { return nil }
        var point = secp256k1_pubkey()
        // Sound: `point` and `signature` outlive the call and `digest` holds 32 bytes.
        let ok = unsafe digest.withUnsafeBufferPointer {
            unsafe secp256k1_ecdsa_recover(context.pointer, &point, &signature, $0.baseAddress!)
        }
        return ok == 1 ? serialize(point) : nil
    }

    /// The uncompressed serialization of a parsed point.
    private static func serialize(_ point: secp256k1_pubkey) -> [UInt8] {
        var point = point
        var output = [UInt8](repeating: 0, count: 65)
        var length = 65
        // Sound: `output` has the 65 bytes the call may write and `length` says so.
        let ok = unsafe output.withUnsafeMutableBufferPointer {
            unsafe secp256k1_ec_pubkey_serialize(
                context.pointer, $0.baseAddress!, &length, &point, CSecp256k1_uncompressed())
        }
        precondition(ok == 1 && length == 65, "libsecp256k1: serialize failed")
        return output
    }
}
