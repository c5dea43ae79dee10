import Foundation

// Every hawiya error is a `LocalizedError` whose description is the sentence
// the Rust library writes for it, so `error.localizedDescription` (what alerts
// and logs show) reads "wrong passphrase; 2 attempts left before the wallet
// locks" rather than the case and its fields. The sentences never contain a
// passphrase, key, name or document number. (bindings/uniffi.toml turns off
// the generated conformance, which described the case with
// `String(reflecting:)`.) The test issuer's IssueError exists only in a
// library built with the `test-issuer` feature: the tests and the demo give it
// the same conformance themselves.

extension WalletError: LocalizedError {
    /// The sentence for this error, to show or log.
    public var errorDescription: String? { describeWalletError(error: self) }
}

extension VerifyError: LocalizedError {
    /// The sentence for this error, to show or log.
    public var errorDescription: String? { describeVerifyError(error: self) }
}

extension QrError: LocalizedError {
    /// The sentence for this error, to show or log.
    public var errorDescription: String? { describeQrError(error: self) }
}

extension KeySourceError: LocalizedError {
    /// The sentence for this error, to show or log.
    public var errorDescription: String? { describeKeySourceError(error: self) }
}

extension SignerError: LocalizedError {
    /// The sentence for this error, to show or log.
    public var errorDescription: String? { describeSignerError(error: self) }
}

extension ClockError: LocalizedError {
    /// The sentence for this error, to show or log.
    public var errorDescription: String? { describeClockError(error: self) }
}
