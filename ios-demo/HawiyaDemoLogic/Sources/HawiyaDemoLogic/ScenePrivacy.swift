/// Where the app's scene is in its life, as the system says (SwiftUI's
/// `ScenePhase`, mirrored here so the rules compile and are tested without
/// SwiftUI).
public enum AppPhase: Equatable {
    /// On screen and taking input.
    case active
    /// On screen but not taking input: the app switcher, Control Center or
    /// Notification Center pulled over it, an incoming call, the Face ID sheet.
    case inactive
    /// Not on screen.
    case background
}

/// What the app shows and does as its scene changes phase, for the whole
/// app (not one tab, whose view may not exist while another tab is shown):
///
/// - a cover over everything whenever the scene is not active, so the app
///   switcher's snapshot, a screen shared while Control Center is open, or
///   a glance during a call never show an ID or a code;
/// - the wallet locked when the app goes to the background, so coming back
///   needs Face ID again. Not when merely inactive: the Face ID sheet itself
///   makes the app inactive, and locking then would cancel the unlock.
@MainActor
public final class ScenePrivacy: ChangeReporting {
    /// The phase the system reported last.
    public private(set) var phase: AppPhase = .active
    /// Called after every change of state.
    public var onChange: (() -> Void)?
    /// The wallet to lock in the background (weak: the app owns it).
    public weak var wallet: WalletModel?

    /// A guard with nothing to lock yet (the wallet opens later).
    public init() {}

    /// Whether the cover is up.
    public var showsCover: Bool { phase != .active }

    /// The system moved the scene to `newPhase`.
    public func sceneChanged(to newPhase: AppPhase) {
        if newPhase == .background {
            wallet?.lock()
        }
        guard newPhase != phase else { return }
        phase = newPhase
        onChange?()
    }
}
