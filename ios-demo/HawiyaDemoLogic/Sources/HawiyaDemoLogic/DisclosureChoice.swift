import HawiyaKit

/// The state of the "what to show" sheet: a preset or a hand-picked set of
/// claims, and the ``Disclosure`` it means.
public struct DisclosureChoice: Equatable {
    /// The choices at the top of the sheet.
    public enum Preset: String, CaseIterable, Equatable {
        /// Everything but the photo.
        case everything
        /// Name, ID number and expiry.
        case identity
        /// Only "18 or over".
        case ageOver18
        /// Only "21 or over".
        case ageOver21
        /// Claims the holder picks.
        case custom

        /// Its label in the sheet.
        public var title: String {
            switch self {
            case .everything: return "Everything"
            case .identity: return "Name, ID number and expiry"
            case .ageOver18: return "Only that I am 18 or over"
            case .ageOver21: return "Only that I am 21 or over"
            case .custom: return "Let me choose"
            }
        }
    }

    /// The selected preset.
    public var preset: Preset
    /// The hand-picked claims (used when `preset` is `.custom`).
    public private(set) var picked: Set<ClaimKey>
    /// Claims the document has, in display order: what "Let me choose" offers.
    public let available: [ClaimKey]

    /// A choice for a document holding `available` claims, starting at
    /// `preset` (name, number and expiry by default: the least that
    /// identifies someone).
    public init(available: [ClaimKey], preset: Preset = .identity) {
        self.available = ClaimKey.displayOrder.filter(available.contains)
        self.preset = preset
        self.picked = []
    }

    /// The choice that `disclosure` stands for.
    public init(available: [ClaimKey], current disclosure: Disclosure) {
        self.init(available: available)
        switch disclosure {
        case .full: preset = .everything
        case .identity: preset = .identity
        case .ageOver18: preset = .ageOver18
        case .ageOver21: preset = .ageOver21
        case .only(let keys):
            preset = .custom
            picked = Set(keys).intersection(self.available)
        }
    }

    /// Adds or removes one claim and switches to `.custom`.
    public mutating func toggle(_ key: ClaimKey) {
        guard available.contains(key) else { return }
        preset = .custom
        if picked.contains(key) { picked.remove(key) } else { picked.insert(key) }
    }

    /// Whether the sheet's "Show" button is enabled: a custom choice needs at
    /// least one claim.
    public var canConfirm: Bool {
        preset != .custom || !picked.isEmpty
    }

    /// What the wallet is asked to show.
    public var disclosure: Disclosure {
        switch preset {
        case .everything: return .full
        case .identity: return .identity
        case .ageOver18: return .ageOver18
        case .ageOver21: return .ageOver21
        case .custom: return .only(ClaimKey.displayOrder.filter(picked.contains))
        }
    }

    /// One line under the code: what the verifier will see.
    public var summary: String {
        switch preset {
        case .custom: return "Shows " + listPhrase(Array(picked))
        default: return "Shows " + preset.title.prefix(1).lowercased() + preset.title.dropFirst()
        }
    }
}
