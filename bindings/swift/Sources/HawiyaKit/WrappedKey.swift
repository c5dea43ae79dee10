import Foundation

/// The bytes ``KeychainKeySource`` gives the wallet to store: a format byte,
/// then the data key encrypted to the Keychain key (ECIES with AES-GCM, done by
/// the Security framework).
///
/// - format 1: `[1] ciphertext`
/// - format 2: `[2] [n] enrollment (n bytes, 1…255) ciphertext`, where
///   `enrollment` is the system's opaque hash of the biometrics enrolled when
///   the key was used to wrap (LocalAuthentication's domain state). A
///   different hash at unwrap time means the enrolment changed, so the
///   `.biometryCurrentSet` key is invalidated: that is reported without
///   showing a prompt that cannot succeed.
///
/// The format byte lets a later app version change the algorithm and still
/// read wallets made before; an unknown byte is refused before the Keychain is
/// asked, so the holder is not prompted for nothing.
public enum WrappedKey {
    /// ECIES, cofactor X9.63 SHA-256, AES-GCM (variable IV).
    public static let version1: UInt8 = 1
    /// As version 1, with the enrolment hash in front.
    public static let version2: UInt8 = 2

    /// Why stored bytes cannot be unwrapped.
    public enum DecodeError: Error, Equatable {
        /// Nothing after the format byte, or no bytes at all.
        case empty
        /// Written by a newer app version.
        case unknownFormat(UInt8)
    }

    /// What stored bytes hold.
    public struct Contents: Equatable {
        /// The data key, encrypted to the Keychain key.
        public let ciphertext: Data
        /// The biometric enrolment hash at wrap time, if there was one.
        public let enrollment: Data?

        public init(ciphertext: Data, enrollment: Data?) {
            self.ciphertext = ciphertext
            self.enrollment = enrollment
        }
    }

    /// The stored form of `ciphertext`, with the enrolment hash when there is
    /// one (and it fits the length byte).
    public static func encode(_ ciphertext: Data, enrollment: Data? = nil) -> Data {
        guard let enrollment, (1 ... 255).contains(enrollment.count) else {
            var out = Data([version1])
            out.append(ciphertext)
            return out
        }
        var out = Data([version2, UInt8(enrollment.count)])
        out.append(enrollment)
        out.append(ciphertext)
        return out
    }

    /// The ciphertext (and enrolment hash) inside stored bytes.
    public static func decode(_ stored: Data) throws -> Contents {
        let bytes = [UInt8](stored)
        guard let first = bytes.first else { throw DecodeError.empty }
        switch first {
        case version1:
            guard bytes.count > 1 else { throw DecodeError.empty }
            return Contents(ciphertext: Data(bytes[1...]), enrollment: nil)
        case version2:
            guard bytes.count > 1 else { throw DecodeError.empty }
            let length = Int(bytes[1])
            guard length > 0, bytes.count > 2 + length else { throw DecodeError.empty }
            return Contents(ciphertext: Data(bytes[(2 + length)...]), enrollment: Data(bytes[2 ..< 2 + length]))
        default:
            throw DecodeError.unknownFormat(first)
        }
    }
}
