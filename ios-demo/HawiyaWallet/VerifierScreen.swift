import HawiyaDemoLogic
import HawiyaKit
import SwiftUI

/// The clerk's screen: the camera looks for a code; the verdict appears in
/// plain words with the verified details; "Scan again" goes back.
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
                    Text("Point the camera at the ID code")
                        .padding()
                        .background(.thinMaterial, in: Capsule())
                        .padding(.bottom, 24)
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
