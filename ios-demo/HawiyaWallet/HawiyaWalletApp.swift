import HawiyaDemoLogic
import HawiyaKit
import SwiftUI

/// The demo app: a wallet tab (the holder's side) and a verifier tab (a
/// clerk's side). Views only draw what the models in HawiyaDemoLogic say.
@main
struct HawiyaWalletApp: App {
    @StateObject private var root = AppRoot()

    var body: some Scene {
        WindowGroup {
            RootView(root: root, privacy: root.privacy)
                .task { root.start() }
        }
    }
}

/// Opens the wallet (creating and filling it on first launch) and builds the
/// two models.
@MainActor
final class AppRoot: ObservableObject {
    enum State {
        case loading
        case ready(wallet: Observed<WalletModel>, verifier: Observed<VerifierModel>)
        case failed(String)
    }

    @Published private(set) var state: State = .loading
    /// HawiyaKit's key source: a Secure Enclave key needing the holder's
    /// current Face ID / Touch ID (`.biometryCurrentSet`).
    let keySource = KeychainKeySource.secureEnclave(tag: "org.example.hawiya.wallet-key")
    private var store: DemoStore?
    /// The cover and the lock, for the whole app (whichever tab is shown).
    let privacy: Observed<ScenePrivacy>

    init() {
        privacy = Observed(ScenePrivacy())
    }

    func start() {
        guard case .loading = state else { return }
        do {
            let directory = try FileManager.default
                .url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
                .appendingPathComponent("hawiya", isDirectory: true)
            let store = DemoStore(directory: directory, protection: DeviceFileProtection())
            self.store = store
            let (wallet, trust) = try store.openOrCreate(keySource: keySource)
            let walletModel = WalletModel(wallet: wallet)
            privacy.model.wallet = walletModel
            state = .ready(wallet: Observed(walletModel), verifier: try verifierModel(trust, store))
        } catch let error as UnprotectedFileError {
            state = .failed(error.localizedDescription)
        } catch {
            state = .failed(HolderMessages.text(for: error))
        }
    }

    private func verifierModel(_ trust: DemoTrust, _ store: DemoStore) throws -> Observed<VerifierModel> {
        let memory = store.verifierMemory
        return Observed(VerifierModel(verifier: try trust.verifier(remembering: memory.load()), memory: memory))
    }

    /// The re-provisioning after a reset for an invalidated key: fills the
    /// wallet again from a new demo issuer (the wallet model calls it off the
    /// main thread), then gives the verifier tab that issuer's trust.
    func reprovisioner() -> (Wallet) throws -> Void {
        guard let store else { return { _ in throw CocoaError(.fileNoSuchFile) } }
        return { [weak self] wallet in
            let trust = try store.reprovision(wallet)
            Task { @MainActor in
                guard let self, case .ready(let walletModel, _) = self.state,
                      let verifier = try? self.verifierModel(trust, store) else { return }
                self.state = .ready(wallet: walletModel, verifier: verifier)
            }
        }
    }
}

/// Forwards a model's `onChange` to SwiftUI.
@MainActor
final class Observed<Model: ChangeReporting>: ObservableObject {
    let model: Model

    init(_ model: Model) {
        self.model = model
        model.onChange = { [weak self] in self?.objectWillChange.send() }
    }
}

/// The tabs, under a cover whenever the scene is not active.
struct RootView: View {
    @ObservedObject var root: AppRoot
    @ObservedObject var privacy: Observed<ScenePrivacy>
    @Environment(\.scenePhase) private var scenePhase

    var body: some View {
        content
            .overlay {
                if privacy.model.showsCover {
                    PrivacyCover()
                }
            }
            .onChange(of: scenePhase) { phase in
                privacy.model.sceneChanged(to: AppPhase(phase))
            }
    }

    @ViewBuilder private var content: some View {
        switch root.state {
        case .loading:
            ProgressView("Opening the wallet…")
        case .failed(let message):
            VStack(spacing: 12) {
                Image(systemName: "exclamationmark.triangle").font(.largeTitle)
                Text(message).multilineTextAlignment(.center)
            }
            .padding()
        case .ready(let wallet, let verifier):
            TabView {
                WalletScreen(store: wallet, keySource: root.keySource, reprovision: root.reprovisioner())
                    .tabItem { Label("My ID", systemImage: "person.text.rectangle") }
                VerifierScreen(store: verifier)
                    .tabItem { Label("Verify", systemImage: "qrcode.viewfinder") }
            }
        }
    }
}

/// What the app switcher and an onlooker see while the app is not active.
struct PrivacyCover: View {
    var body: some View {
        ZStack {
            Rectangle().fill(.background)
            VStack(spacing: 12) {
                Image(systemName: "lock.shield").font(.system(size: 56))
                Text("Hawiya").font(.title2.bold())
            }
            .foregroundStyle(.secondary)
        }
        .ignoresSafeArea()
        .accessibilityLabel("Hidden while the app is not in use")
    }
}

extension AppPhase {
    /// SwiftUI's phase in the logic's terms; an unknown future phase is
    /// treated as inactive (covered, not locked).
    init(_ phase: ScenePhase) {
        switch phase {
        case .active: self = .active
        case .background: self = .background
        case .inactive: self = .inactive
        @unknown default: self = .inactive
        }
    }
}
