import Foundation

/// The bytes ``KeychainKeySource`` gives the wallet to store: a format byte,
/// then the data key encrypted to the Keychain key (ECIES with AES-GCM, done by
/// the Security framework).
///
/// The format byte lets a later app version change the algorithm and still
/// read wallets made before; an unknown byte is refused before the Keychain is
/// asked, so the holder is not prompted for nothing.
public enum WrappedKey {
    /// The only format so far: ECIES, cofactor X9.63 SHA-256, AES-GCM (variable IV).
    public static let version1: UInt8 = 1

    /// Why stored bytes cannot be unwrapped.
    public enum DecodeError: Error, Equatable {
        /// Nothing after the format byte, or no bytes at all.
        case empty
        /// Written by a newer app version.
        case unknownFormat(UInt8)
    }

    /// Prefixes `ciphertext` with the format byte.
    public static func encode(_ ciphertext: Data) -> Data {
        var out = Data([version1])
        out.append(ciphertext)
        return out
    }

    /// The ciphertext inside stored bytes.
    public static func decode(_ stored: Data) throws -> Data {
        guard let first = stored.first else { throw DecodeError.empty }
        guard first == version1 else { throw DecodeError.unknownFormat(first) }
        let body = stored.dropFirst()
        guard !body.isEmpty else { throw DecodeError.empty }
        return Data(body)
    }
}
