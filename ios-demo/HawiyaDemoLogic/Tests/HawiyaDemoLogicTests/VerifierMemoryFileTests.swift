import Foundation
import XCTest
import HawiyaKit
@testable import HawiyaDemoLogic

final class VerifierMemoryFileTests: XCTestCase {
    private func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hawiya-memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    func testSavedMemoryReadsBackAndIsProtected() throws {
        let protection = RecordingProtection()
        let file = VerifierMemoryFile(url: try scratch().appendingPathComponent("m.txt"), protection: protection)
        let memory = VerifierMemory(trustListVersion: 3, recent: [
            SeenPresentation(signatureHash: Data((0 ..< 32).map { UInt8($0) }), presentedAt: 1_790_000_000),
            SeenPresentation(signatureHash: Data((0 ..< 32).map { UInt8(255 - $0) }), presentedAt: -5),
        ])
        try file.save(memory)
        XCTAssertEqual(file.load(), memory)
        XCTAssertEqual(protection.take(), ["m.txt"], "the new file is protected")
    }

    func testTheAndroidDemoFormatReads() throws {
        let url = try scratch().appendingPathComponent("m.txt")
        let hash = String(repeating: "ab", count: 32)
        try Data("hawiya-verifier-memory 1\ntrust-list 7\n\(hash) 1790000000\n".utf8).write(to: url)
        let memory = try XCTUnwrap(VerifierMemoryFile(url: url, protection: RecordingProtection()).load())
        XCTAssertEqual(memory.trustListVersion, 7)
        XCTAssertEqual(memory.recent, [SeenPresentation(signatureHash: Data(repeating: 0xab, count: 32), presentedAt: 1_790_000_000)])
    }

    func testAMissingDamagedOrOversizedFileMeansNoMemory() throws {
        let folder = try scratch()
        let hash = String(repeating: "0f", count: 32)
        let damaged = [
            "",
            "hawiya-verifier-memory 2\ntrust-list 1\n",
            "hawiya-verifier-memory 1\n",
            "hawiya-verifier-memory 1\ntrust-list x\n",
            "hawiya-verifier-memory 1\ntrust-list 1\n\(hash)\n",
            "hawiya-verifier-memory 1\ntrust-list 1\n\(hash.uppercased()) 5\n",
            "hawiya-verifier-memory 1\ntrust-list 1\n\(hash.dropLast(2)) 5\n",
            "hawiya-verifier-memory 1\ntrust-list 1\n\(hash) 5 6\n",
            "hawiya-verifier-memory 1\ntrust-list 1\n\(hash) soon\n",
        ]
        for (index, text) in damaged.enumerated() {
            let url = folder.appendingPathComponent("d\(index).txt")
            try Data(text.utf8).write(to: url)
            XCTAssertNil(VerifierMemoryFile(url: url, protection: RecordingProtection()).load(), text)
        }
        XCTAssertNil(VerifierMemoryFile(url: folder.appendingPathComponent("none.txt"), protection: RecordingProtection()).load())
        XCTAssertNil(VerifierMemoryFile(url: folder, protection: RecordingProtection()).load(), "a folder")

        let big = folder.appendingPathComponent("big.txt")
        var text = "hawiya-verifier-memory 1\ntrust-list 1\n"
        while text.utf8.count <= VerifierMemoryFile.maximumBytes {
            text += "\(hash) 1790000000\n"
        }
        try Data(text.utf8).write(to: big)
        XCTAssertNil(VerifierMemoryFile(url: big, protection: RecordingProtection()).load(), "too big to be ours")
    }

    @MainActor func testAReplayIsCaughtAfterTheAppStartsAgain() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let holder = try XCTUnwrap(wallet.documents().first { $0.guardian == nil })
        let code = try wallet.present(number: holder.number, disclosure: .identity, challenge: nil)
        let memory = world.store.verifierMemory
        XCTAssertNil(memory.load(), "a first start remembers nothing")

        let first = VerifierModel(
            verifier: try trust.verifier(clock: world.clock, remembering: memory.load()), now: world.now, memory: memory
        )
        first.cameraRead(code.qrText)
        guard case .result(let accepted) = first.state else { return XCTFail("expected a verdict") }
        XCTAssertEqual(accepted.tone, .accepted)
        XCTAssertTrue(world.protection.take().contains("verifier-memory.txt"))

        // The app is closed and started again.
        let again = VerifierModel(
            verifier: try trust.verifier(clock: world.clock, remembering: memory.load()), now: world.now, memory: memory
        )
        again.cameraRead(code.qrText)
        guard case .result(let replay) = again.state else { return XCTFail("expected a verdict") }
        XCTAssertEqual(replay.tone, .rejected)
        XCTAssertEqual(replay.reasons, ["This exact code was already scanned. Ask the holder for a new one."])

        // Without the file, the restarted verifier would have been fooled.
        let forgetful = VerifierModel(verifier: try trust.verifier(clock: world.clock), now: world.now)
        forgetful.cameraRead(code.qrText)
        guard case .result(let fooled) = forgetful.state else { return XCTFail("expected a verdict") }
        XCTAssertEqual(fooled.tone, .accepted)
    }
}
