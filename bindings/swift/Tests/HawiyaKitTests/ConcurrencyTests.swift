import Dispatch
import Foundation
import XCTest
import HawiyaKit

/// One wallet and one verifier used from several threads at once.
final class ConcurrencyTests: XCTestCase {
    func testPresentAndVerifyFromManyThreads() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let verifier = world.verifier()
        let threads = 8
        let perThread = 5
        let lock = NSLock()
        var accepted = 0
        var problems: [String] = []

        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for round in 0 ..< perThread {
                do {
                    // A fresh challenge per code, answered by the phone.
                    let challenge = try verifier.newChallenge()
                    let code = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: challenge.grouped)
                    _ = try wallet.documents()
                    let verdict = try verifier.verify(qrText: code.qrText, challenge: challenge)
                    lock.lock()
                    if verdict.accepted && verdict.assurance == .challenged {
                        accepted += 1
                    } else {
                        problems.append("\(verdict.failures)")
                    }
                    lock.unlock()
                } catch {
                    lock.lock()
                    problems.append("\(error)")
                    lock.unlock()
                }
            }
        }
        XCTAssertEqual(problems, [])
        XCTAssertEqual(accepted, threads * perThread)
        XCTAssertEqual(try wallet.presentationLog().count, threads * perThread)
    }

    func testTheSameCodeIsAcceptedOnceWhateverTheThread() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let code = try wallet.present(number: World.holderNumber, disclosure: .full, challenge: nil)
        let verifier = world.verifier()
        let lock = NSLock()
        var verdicts: [Verdict] = []
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let verdict = try? verifier.verify(qrText: code.qrText, challenge: nil)
            lock.lock()
            verdicts.append(contentsOf: verdict.map { [$0] } ?? [])
            lock.unlock()
        }
        XCTAssertEqual(verdicts.count, 8)
        XCTAssertEqual(verdicts.filter(\.accepted).count, 1, "exactly one scan wins; the rest are replays")
        XCTAssertEqual(Set(verdicts.filter { !$0.accepted }.flatMap(codes)), ["replayed"])
    }

    func testLockingWhileOtherThreadsPresent() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let lock = NSLock()
        var outcomes: [String] = []
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            if index == 3 {
                wallet.lock()
                return
            }
            let outcome: String
            do {
                _ = try wallet.present(number: World.holderNumber, disclosure: .ageOver18, challenge: nil)
                outcome = "presented"
            } catch WalletError.Locked {
                outcome = "locked"
            } catch {
                outcome = "unexpected \(error)"
            }
            lock.lock()
            outcomes.append(outcome)
            lock.unlock()
        }
        XCTAssertEqual(outcomes.count, 5)
        XCTAssertTrue(outcomes.allSatisfy { $0 == "presented" || $0 == "locked" }, "\(outcomes)")
        XCTAssertFalse(wallet.isUnlocked())
    }

    func testKeySourceCalledFromSeveralThreads() throws {
        let world = try World()
        let source = MemoryKeySource()
        let path = world.walletPath("shared")
        _ = try Wallet.createWithKeySource(path: path, keySource: source, options: defaultWalletOptions(), clock: world.clock)
        let lock = NSLock()
        var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let handle = try Wallet.open(path: path, options: defaultWalletOptions(), clock: world.clock)
                _ = try handle.unlockWithKeySource(keySource: source)
                _ = try handle.documents()
            } catch {
                lock.lock()
                errors.append("\(error)")
                lock.unlock()
            }
        }
        XCTAssertEqual(errors, [])
        XCTAssertEqual(source.unwrapCalls, 4)
    }
}
