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
            RootView(root: root)
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
    let keySource = KeychainKeySource.secureEnclave(tag: "org.example.hawiya.wallet-key")

    func start() {
        guard case .loading = state else { return }
        do {
            let directory = try FileManager.default
                .url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
                .appendingPathComponent("hawiya", isDirectory: true)
            let (wallet, trust) = try DemoStore(directory: directory).openOrCreate(keySource: keySource)
            state = .ready(
                wallet: Observed(WalletModel(wallet: wallet)),
                verifier: Observed(VerifierModel(verifier: try trust.verifier()))
            )
        } catch {
            state = .failed(HolderMessages.text(for: error))
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

struct RootView: View {
    @ObservedObject var root: AppRoot

    var body: some View {
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
                WalletScreen(store: wallet, keySource: root.keySource)
                    .tabItem { Label("My ID", systemImage: "person.text.rectangle") }
                VerifierScreen(store: verifier)
                    .tabItem { Label("Verify", systemImage: "qrcode.viewfinder") }
            }
        }
    }
}
