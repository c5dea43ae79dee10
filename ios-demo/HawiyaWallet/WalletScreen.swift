import HawiyaDemoLogic
import HawiyaKit
import SwiftUI

/// The holder's screen: unlock, the card, the live QR code (HawiyaKit's
/// live presentation stream: a new code about every 30 s, one log entry per
/// showing), the verifier's challenge (scan or type), what it shows,
/// dependents and the log; the reset when the Keychain key was invalidated.
struct WalletScreen: View {
    @ObservedObject var store: Observed<WalletModel>
    let keySource: KeychainKeySource
    /// Adds the documents again after a reset (the app's issuer or backup).
    let reprovision: (Wallet) throws -> Void
    @State private var draft: DisclosureChoice?
    @State private var scanningChallenge = false
    @State private var typingChallenge = false
    @State private var typedChallenge = ""
    private let ticker = Timer.publish(every: 1, on: .main, in: .common).autoconnect()

    var body: some View {
        let model = store.model
        NavigationStack {
            Group {
                if model.phase == .unlocked {
                    unlocked(model)
                } else {
                    locked(model)
                }
            }
            .navigationTitle("My ID")
            .toolbar {
                if model.phase == .unlocked {
                    Button("Lock") { model.lock() }
                }
            }
        }
        // One showing per request: a new document, disclosure or challenge
        // cancels this task (ending the showing) and starts another.
        .task(id: model.liveRequest) { await model.showLiveCode() }
        .onReceive(ticker) { _ in model.tick() }
        // Locking in the background and the cover in the app switcher are
        // the app's (RootView, ScenePrivacy), whichever tab is shown.
        .sheet(isPresented: Binding(get: { draft != nil }, set: { if !$0 { draft = nil } })) {
            if let draft {
                DisclosureSheet(choice: draft) { chosen in
                    if let chosen { model.apply(chosen) }
                    self.draft = nil
                }
            }
        }
    }

    private func locked(_ model: WalletModel) -> some View {
        VStack(spacing: 20) {
            Image(systemName: "lock.fill").font(.system(size: 48))
            Text("Your wallet is locked").font(.title2)
            if let message = model.message {
                Text(message).foregroundStyle(.red).multilineTextAlignment(.center)
            }
            if model.keyInvalidated {
                // The Keychain key is gone for good: only a reset helps.
                Button(role: .destructive) {
                    model.requestReset()
                } label: {
                    Label("Reset and add my documents again", systemImage: "arrow.counterclockwise")
                }
                .buttonStyle(.borderedProminent)
                .disabled(model.phase == .unlocking)
            } else {
                Button {
                    Task { await model.unlock(keySource: keySource) }
                } label: {
                    Label("Unlock with Face ID", systemImage: "faceid")
                }
                .buttonStyle(.borderedProminent)
                .disabled(model.phase == .unlocking)
                Button("Reset the wallet", role: .destructive) { model.requestReset() }
                    .disabled(model.phase == .unlocking)
            }
        }
        .padding()
        .confirmationDialog(
            "Reset the wallet?",
            isPresented: Binding(get: { model.confirmingReset }, set: { if !$0 { model.cancelReset() } }),
            titleVisibility: .visible
        ) {
            Button("Destroy everything", role: .destructive) {
                if model.keyInvalidated {
                    Task { await model.recoverFromInvalidation(keySource: keySource, reprovision: reprovision) }
                } else {
                    Task { await model.confirmReset(keySource: keySource) }
                }
            }
            Button("Cancel", role: .cancel) { model.cancelReset() }
        } message: {
            Text(WalletModel.resetWarning)
        }
    }

    private func unlocked(_ model: WalletModel) -> some View {
        challengeInput(model, List {
            if let document = model.selectedDocument {
                Section {
                    CardView(document: document)
                    if let code = model.presentation {
                        VStack(spacing: 8) {
                            QRCodeView(code: code.qr)
                                .frame(maxWidth: 320)
                            TimelineView(.periodic(from: .now, by: 1)) { _ in
                                HStack {
                                    ProgressView(value: model.refreshFraction).frame(width: 60)
                                    Text(model.showsPrintedCode
                                         ? "Printable code"
                                         : "New code in \(model.secondsToRefresh) s")
                                        .font(.footnote).monospacedDigit()
                                }
                            }
                            Text(model.choice.summary).font(.footnote).foregroundStyle(.secondary)
                        }
                        .frame(maxWidth: .infinity)
                    }
                    if model.codeStopped {
                        Button("Show the code again") { model.showAgain() }
                    }
                    Button("Choose what to show") { draft = model.disclosureSheet() }
                }
                Section("Verifier's challenge") {
                    if let challenge = model.challenge {
                        Text("The code answers challenge \(challenge)").font(.body.monospacedDigit())
                        Button("Stop answering it") { model.clearChallenge() }
                    } else {
                        Button {
                            scanningChallenge = true
                        } label: {
                            Label("Scan challenge", systemImage: "qrcode.viewfinder")
                        }
                        Button {
                            typedChallenge = ""
                            typingChallenge = true
                        } label: {
                            Label("Type challenge", systemImage: "keyboard")
                        }
                    }
                }
            }
            if let message = model.message {
                Section { Text(message).foregroundStyle(.red) }
            }
            if model.cards.count > 1 {
                Section("My documents") {
                    ForEach(model.cards, id: \.number) { card in
                        Button(card.documentType.title) { model.select(card.number) }
                    }
                }
            }
            if !model.dependents.isEmpty {
                Section("Dependents") {
                    ForEach(model.dependents, id: \.nameEn) { person in
                        ForEach(person.documents, id: \.number) { document in
                            Button {
                                model.select(document.number)
                            } label: {
                                VStack(alignment: .leading) {
                                    Text(person.nameEn)
                                    Text(document.documentType.title).font(.caption).foregroundStyle(.secondary)
                                }
                            }
                        }
                    }
                    if let own = model.cards.first {
                        Button("Back to my ID") { model.select(own.number) }
                    }
                }
            }
            Section("Shown recently") {
                if model.log.isEmpty {
                    Text("Nothing yet").foregroundStyle(.secondary)
                }
                ForEach(model.log.prefix(20)) { line in
                    VStack(alignment: .leading, spacing: 2) {
                        Text(line.title)
                        Text(line.detail).font(.caption)
                        Text(line.when).font(.caption2).foregroundStyle(.secondary)
                    }
                }
                if !model.log.isEmpty {
                    Button("Clear the log", role: .destructive) { model.clearLog() }
                }
            }
        })
    }

    /// The verifier's challenge, scanned with the camera or typed.
    private func challengeInput<Content: View>(_ model: WalletModel, _ content: Content) -> some View {
        content
            .sheet(isPresented: $scanningChallenge) {
                NavigationStack {
                    CameraScanner { payload in
                        Task { @MainActor in
                            guard scanningChallenge else { return }
                            scanningChallenge = false
                            model.answerChallenge(payload)
                        }
                    }
                    .ignoresSafeArea()
                    .navigationTitle("Scan the verifier's challenge")
                    .navigationBarTitleDisplayMode(.inline)
                    .toolbar {
                        ToolbarItem(placement: .cancellationAction) { Button("Cancel") { scanningChallenge = false } }
                    }
                }
            }
            .alert("Type the verifier's challenge", isPresented: $typingChallenge) {
                TextField("Six digits", text: $typedChallenge).keyboardType(.numberPad)
                Button("Answer") { model.answerChallenge(typedChallenge) }
                Button("Cancel", role: .cancel) {}
            } message: {
                Text("The six digits on the verifier's screen.")
            }
    }
}

/// The document as a card: type, names, number, expiry.
struct CardView: View {
    let document: DocumentSummary

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            HStack {
                Text(document.documentType.title).font(.headline)
                Spacer()
                if document.guardian != nil {
                    Text("Dependent").font(.caption).padding(4).background(.yellow.opacity(0.3), in: Capsule())
                }
            }
            Text(document.nameEn).font(.title3).bold()
            Text(document.nameAr).font(.title3).environment(\.layoutDirection, .rightToLeft)
            Text("ID \(String(document.number))").font(.body.monospaced())
            Text("Valid until \(document.expiryDate.formatted(date: .long, time: .omitted))")
                .font(.footnote).foregroundStyle(.secondary)
            if document.needsRebinding {
                Text("Restored from a backup: ask the issuer to re-issue it to this phone.")
                    .font(.footnote).foregroundStyle(.orange)
            }
        }
        .padding(.vertical, 4)
    }
}

/// Draws a QR module matrix with its quiet zone, black on white.
struct QRCodeView: View {
    let code: QrCode

    var body: some View {
        Canvas { context, size in
            let rows = code.rows
            let quiet = QrCode.quietZoneModules
            let count = rows.count + 2 * quiet
            guard count > 2 * quiet else { return }
            let module = min(size.width, size.height) / CGFloat(count)
            context.fill(Path(CGRect(origin: .zero, size: size)), with: .color(.white))
            for (y, row) in rows.enumerated() {
                for (x, dark) in row.enumerated() where dark {
                    let rect = CGRect(x: CGFloat(x + quiet) * module, y: CGFloat(y + quiet) * module,
                                      width: module, height: module)
                    context.fill(Path(rect), with: .color(.black))
                }
            }
        }
        .aspectRatio(1, contentMode: .fit)
        .accessibilityLabel("ID code to scan")
    }
}

/// The "what to show" sheet over a ``DisclosureChoice``.
struct DisclosureSheet: View {
    @State var choice: DisclosureChoice
    let onDone: (DisclosureChoice?) -> Void

    var body: some View {
        NavigationStack {
            Form {
                Section("Show") {
                    ForEach(DisclosureChoice.Preset.allCases, id: \.self) { preset in
                        Button {
                            choice.preset = preset
                        } label: {
                            HStack {
                                Text(preset.title)
                                Spacer()
                                if choice.preset == preset { Image(systemName: "checkmark") }
                            }
                        }
                    }
                }
                if choice.preset == .custom {
                    Section("Details") {
                        ForEach(choice.available, id: \.self) { key in
                            Toggle(key.title, isOn: Binding(
                                get: { choice.picked.contains(key) },
                                set: { _ in choice.toggle(key) }
                            ))
                        }
                    }
                }
                Section {
                    Text(choice.summary).foregroundStyle(.secondary)
                }
            }
            .navigationTitle("What to show")
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("Cancel") { onDone(nil) } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("Show") { onDone(choice) }.disabled(!choice.canConfirm)
                }
            }
        }
    }
}
