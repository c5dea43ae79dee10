import HawiyaDemoLogic
import HawiyaKit
import SwiftUI

/// The clerk's screen: the camera looks for a code; "Show challenge" puts six
/// digits and their QR code (`HWC:nnnnnn`) on screen for the holder's wallet
/// to answer; the verdict appears in plain words with the verified details;
/// "Scan again" goes back.
struct VerifierScreen: View {
    @ObservedObject var store: Observed<VerifierModel>

    var body: some View {
        let model = store.model
        NavigationStack {
            ZStack(alignment: .bottom) {
                CameraScanner { payload in
                    Task { @MainActor in model.cameraRead(payload) }
                }
                .ignoresSafeArea(edges: .top)

                switch model.state {
                case .scanning:
                    if let challenge = model.challenge {
                        ChallengePanel(challenge: challenge) { model.cancelChallenge() }
                    } else {
                        VStack(spacing: 12) {
                            Text("Point the camera at the ID code")
                                .padding()
                                .background(.thinMaterial, in: Capsule())
                            Button {
                                model.showChallenge()
                            } label: {
                                Label("Show challenge", systemImage: "number.square")
                            }
                            .buttonStyle(.borderedProminent)
                        }
                        .padding(.bottom, 24)
                    }
                case .notAnIDCode:
                    ResultPanel(title: "Not an ID code", color: .gray, lines: ["This QR code is not a hawiya ID."], rows: []) {
                        model.scanAgain()
                    }
                case .result(let screen):
                    ResultPanel(title: screen.headline, color: color(screen.tone), lines: screen.reasons, rows: screen.rows) {
                        model.scanAgain()
                    }
                }
            }
            .navigationTitle("Verify an ID")
            .navigationBarTitleDisplayMode(.inline)
        }
    }

    private func color(_ tone: VerdictScreen.Tone) -> Color {
        switch tone {
        case .accepted: return .green
        case .acceptedWithCaution: return .orange
        case .rejected: return .red
        }
    }
}

/// The verdict panel over the camera.
struct ResultPanel: View {
    let title: String
    let color: Color
    let lines: [String]
    let rows: [VerdictScreen.Row]
    let onScanAgain: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 10) {
            Text(title).font(.title.bold()).foregroundStyle(color)
            ForEach(lines, id: \.self) { Text($0) }
            ForEach(rows, id: \.label) { row in
                HStack(alignment: .firstTextBaseline) {
                    Text(row.label).foregroundStyle(.secondary)
                    Spacer()
                    Text(row.value).multilineTextAlignment(.trailing)
                }
            }
            Button("Scan again", action: onScanAgain)
                .buttonStyle(.borderedProminent)
                .frame(maxWidth: .infinity)
        }
        .padding()
        .background(.regularMaterial, in: RoundedRectangle(cornerRadius: 16))
        .padding()
    }
}

/// The challenge on screen: six digits to read out or type, and their QR code
/// for the holder's wallet to scan; the next ID code scanned must answer it.
struct ChallengePanel: View {
    let challenge: Challenge
    let onCancel: () -> Void

    var body: some View {
        VStack(spacing: 10) {
            Text("Ask the holder to scan or type this challenge").font(.headline)
            QRCodeView(code: challenge.qr)
                .frame(maxWidth: 180)
                .accessibilityLabel("Challenge code to scan")
            Text(challenge.grouped).font(.system(size: 40, weight: .bold, design: .monospaced))
            Text("Then scan the code their wallet shows.").font(.footnote).foregroundStyle(.secondary)
            Button("Cancel challenge", action: onCancel)
        }
        .padding()
        .background(.regularMaterial, in: RoundedRectangle(cornerRadius: 16))
        .padding()
    }
}
