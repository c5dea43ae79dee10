import Foundation

/// A showing as the live stream uses it: the FFI's `Showing` (one
/// presentation-log entry for the whole showing; `refresh()` signs a fresh
/// code and writes nothing), or a stand-in in tests.
public protocol LiveShowing: AnyObject, Sendable {
    /// The latest presentation made in this showing.
    func current() throws -> Presentation
    /// A fresh presentation now: same document, disclosure and challenge.
    func refresh() throws -> Presentation
    /// Forgets the showing's key material. Idempotent.
    func end()
}

/// Builds the live QR stream of ``Wallet/livePresentations(of:disclosure:challenge:margin:clock:)``
/// over any ``LiveShowing``.
public enum LivePresentations {
    /// Seconds before `expiresAt` at which a new code replaces the one on
    /// screen: with the default two-minute freshness window, a new code
    /// about every 30 seconds, so a late scan still gets a fresh code and a
    /// screenshot goes stale quickly.
    public static let defaultMargin: Int64 = 90

    /// Sleeps whole seconds; throws `CancellationError` when the task is cancelled.
    public typealias Sleep = @Sendable (_ seconds: Int64) async throws -> Void

    /// The real sleep.
    public static let taskSleep: Sleep = { seconds in
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds)) * 1_000_000_000)
    }

    /// The stream: when iteration starts, `begin` (off the calling thread)
    /// starts the showing, whose first code comes at once; then, while the
    /// stream is iterated, a fresh code `margin` seconds before the last
    /// one's `expiresAt` (by `clock`; at least a second apart; at
    /// `expiresAt` itself when the last refresh did not move it later, as for
    /// a code whose expiry is capped by its challenge's window). Ending the
    /// iteration (leaving the loop, or cancelling the task) ends the showing.
    /// An error from a refresh (e.g. `WalletError.ShowingEnded` once the
    /// wallet was locked or the document replaced) ends the showing and the
    /// stream with that error. Only the newest code is buffered: a slow
    /// screen skips stale ones. Each iteration is a showing of its own.
    public static func stream<S: LiveShowing>(
        margin: Int64 = defaultMargin,
        clock: Clock,
        sleep: @escaping Sleep = taskSleep,
        begin: @escaping @Sendable () throws -> S
    ) -> LivePresentationStream {
        LivePresentationStream {
            var task: Task<Void, Never>?
            let stream = AsyncThrowingStream<Presentation, Error>(bufferingPolicy: .bufferingNewest(1)) { continuation in
                let running = Task.detached(priority: .userInitiated) {
                    await run(margin: margin, clock: clock, sleep: sleep, begin: begin, into: continuation)
                }
                continuation.onTermination = { _ in running.cancel() }
                task = running
            }
            return (stream, task)
        }
    }

    private static func run<S: LiveShowing>(
        margin: Int64, clock: Clock, sleep: Sleep, begin: @escaping @Sendable () throws -> S,
        into continuation: AsyncThrowingStream<Presentation, Error>.Continuation
    ) async {
        var showing: S?
        do {
            let started = try await Wallet.background { try begin() }
            showing = started
            var presentation = try await Wallet.background { try started.current() }
            var extended = true
            while true {
                try Task.checkCancellation()
                continuation.yield(presentation)
                let now = try clock.nowUnixSeconds()
                // A margin before expiry; but when the last refresh did not
                // move the expiry later (it is capped, e.g. by the window of
                // the challenge it answers), a refresh before then cannot
                // help: wait for the expiry itself.
                let due = extended ? presentation.expiresAt - margin : presentation.expiresAt
                try await sleep(max(1, due - now))
                try Task.checkCancellation()
                let previous = presentation
                presentation = try await Wallet.background { try started.refresh() }
                // Capped: signed later, yet expiring no later.
                extended = !(presentation.createdAt > previous.createdAt
                    && presentation.expiresAt <= previous.expiresAt)
            }
        } catch is CancellationError {
            showing?.end()
            continuation.finish()
        } catch {
            showing?.end()
            continuation.finish(throwing: error)
        }
    }
}

/// A live QR code: an `AsyncSequence` of presentations of one document,
/// each iteration one showing (see ``LivePresentations/stream(margin:clock:sleep:begin:)``).
/// Leaving the `for try await` loop or cancelling its task ends the showing.
public struct LivePresentationStream: AsyncSequence, Sendable {
    public typealias Element = Presentation
    private let start: @Sendable () -> (AsyncThrowingStream<Presentation, Error>, Task<Void, Never>?)

    init(start: @escaping @Sendable () -> (AsyncThrowingStream<Presentation, Error>, Task<Void, Never>?)) {
        self.start = start
    }

    public func makeAsyncIterator() -> Iterator {
        let (stream, task) = start()
        return Iterator(running: Running(stream.makeAsyncIterator(), task))
    }

    /// Iterates one showing; when the iterator goes away, the showing ends.
    public struct Iterator: AsyncIteratorProtocol {
        fileprivate let running: Running

        public mutating func next() async throws -> Presentation? {
            try await running.next()
        }
    }

    fileprivate final class Running: @unchecked Sendable {
        private var iterator: AsyncThrowingStream<Presentation, Error>.AsyncIterator
        private let task: Task<Void, Never>?

        init(_ iterator: AsyncThrowingStream<Presentation, Error>.AsyncIterator, _ task: Task<Void, Never>?) {
            self.iterator = iterator
            self.task = task
        }

        func next() async throws -> Presentation? {
            try await iterator.next()
        }

        deinit { task?.cancel() }
    }
}
