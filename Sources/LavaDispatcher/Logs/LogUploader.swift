import AsyncAlgorithms
import Foundation
import LavaClient
import LavaCore
import Synchronization

/// Sends a job's log lines to the server as lava-run does (spec §5.2), without losing or
/// repeating one: lines wait in memory until the server has acknowledged them; each batch
/// carries `index`, the number of lines already acknowledged, so a batch resent after a lost
/// answer is stored once. A batch goes every `interval` or as soon as `batchLimit` lines wait.
/// 413 shrinks batches by 100 lines; 404 `Unknown job` ends the upload (the job was deleted).
///
/// Unlike LAVA's sender it does not poll between flushes: it sleeps until a timer tick or until
/// enough lines arrive.
public final class LogUploader: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Every line was stored; `lines` is the job's line count.
        case finished(lines: Int)
        /// The server no longer knows the job: the job must stop.
        case jobDeleted
        /// The upload was cancelled; `lines` were stored.
        case interrupted(lines: Int)
    }

    /// Lines not yet acknowledged are `lines[head...]`. A batch is copied out under the lock and
    /// acknowledged lines are dropped in bulk, so a backlog is never copied per batch (a shared
    /// slice kept across the upload made every append copy the whole queue).
    private struct State {
        var lines: [String] = []
        var head = 0
        var closed = false

        var waiting: Int { lines.count - head }

        func batch(_ limit: Int) -> [String] {
            Array(lines[head ..< min(head + limit, lines.count)])
        }

        mutating func acknowledge(_ count: Int) {
            head += count
            if head >= 4096, head * 2 >= lines.count {
                lines.removeFirst(head)
                head = 0
            }
        }
    }

    private let client: LavaServerClient
    private let jobID: Int
    private let token: String
    private let interval: Duration
    private let retryPause: Duration
    private let requestTimeout: Duration
    private let initialBatchLimit: Int
    private let state = Mutex(State())
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

    public init(client: LavaServerClient, jobID: Int, token: String, interval: Duration = .seconds(5),
                batchLimit: Int = 1000, retryPause: Duration = .seconds(5), requestTimeout: Duration = .seconds(120)) {
        self.client = client
        self.jobID = jobID
        self.token = token
        self.interval = interval
        self.retryPause = retryPause
        self.requestTimeout = requestTimeout
        initialBatchLimit = batchLimit
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues one record (a line as `LogLine.encoded()` makes it).
    public func append(_ record: String) {
        let full = state.withLock { state -> Bool in
            state.lines.append(record)
            return state.waiting >= initialBatchLimit
        }
        if full { wake.yield() }
    }

    /// No more lines will come: `run()` returns once every queued line is stored.
    public func close() {
        state.withLock { $0.closed = true }
        wake.yield()
    }

    /// Sends until closed and drained, until the server forgets the job, or until cancelled.
    public func run(startIndex: Int = 0) async -> Outcome {
        var index = startIndex
        var batchLimit = initialBatchLimit
        let ticks = AsyncTimerSequence(interval: interval, clock: .continuous).map { _ in () }
        var events = merge(ticks, wakes).makeAsyncIterator()
        while true {
            sending: while true {
                let (batch, closed) = state.withLock { ($0.batch(batchLimit), $0.closed) }
                if batch.isEmpty {
                    if closed { return .finished(lines: index) }
                    break sending
                }
                switch await client.uploadLogs(id: jobID, token: token, records: batch, index: index, timeout: requestTimeout) {
                case .stored(let count):
                    let accepted = min(count, batch.count)
                    let (waiting, closed) = state.withLock { state in
                        state.acknowledge(accepted)
                        return (state.waiting, state.closed)
                    }
                    index += accepted
                    // Another full batch, or the end of the job: send on; else wait for a tick.
                    if waiting < batchLimit && !closed { break sending }
                case .tooLarge where batchLimit > 1:
                    batchLimit = max(batchLimit - 100, 1)
                case .tooLarge:
                    // One line the server refuses even alone: LAVA replaces it with a failed
                    // result so the rest of the log still goes through.
                    state.withLock { $0.lines[$0.head] = Self.refusedLineRecord() }
                case .unknownJob:
                    return .jobDeleted
                case .failed:
                    if Task.isCancelled { return .interrupted(lines: index) }
                    try? await Task.sleep(for: retryPause)
                }
            }
            guard await events.next() != nil, !Task.isCancelled else { return .interrupted(lines: index) }
        }
    }

    static func refusedLineRecord() -> String {
        #"{"dt": "\#(UTCTimestamp.isoformat(Date()))", "lvl": "results", "msg": {"definition": "lava", "case": "log-upload", "result": "fail"}}"#
    }
}
