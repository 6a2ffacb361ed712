import Foundation
import Synchronization

/// The threads behind a `ThreadSplit`. Slice 0 runs on the calling thread and slice k on worker k,
/// the same worker every call, so a thread's slice of the batch stays in its core's cache from
/// one layer to the next. Between calls a worker spins, yielding the core to any other runnable
/// thread, for up to `spinNanoseconds` before it sleeps: waking a sleeping thread on this
/// virtual machine took longer than a small layer's whole work (the MLP's dense layer did not
/// get faster with a second thread under `DispatchQueue.concurrentPerform`).
final class WorkerPool: @unchecked Sendable {
    /// About the serial work between two layers of a step (loss, optimizer, batch hand-off).
    static let spinNanoseconds: UInt64 = 200_000

    private final class Worker: @unchecked Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    private let workers: [Worker]
    /// Bumped once per call; workers run when they see it change.
    private let generation = Atomic<Int>(0)
    /// Workers that have not yet finished (or skipped) the current call.
    private let pending = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// The current call's body and slice count: written before `generation` is bumped (release),
    /// read by workers after they see the bump (acquire).
    private var job: ((Int) -> Void)?
    private var jobSlices = 0
    /// One caller at a time (a split shared by two threads would otherwise mix their jobs).
    private let callerLock = NSLock()

    /// Starts `threads - 1` workers.
    init(threads: Int) {
        workers = (1..<max(threads, 1)).map { _ in Worker() }
        for (i, worker) in workers.enumerated() {
            let thread = Thread { [self] in self.serve(slice: i + 1, worker) }
            thread.name = "dlt-worker-\(i + 1)"
            thread.start()
        }
    }

    /// Runs body(0..<slices) with slice 0 on the caller; returns when all are done.
    func run(slices: Int, _ body: (Int) -> Void) {
        precondition(slices >= 1 && slices <= workers.count + 1)
        callerLock.lock()
        defer { callerLock.unlock() }
        withoutActuallyEscaping(body) { body in
            job = body
            jobSlices = slices
            // Every worker acknowledges every call, even one with no slice for it, so none can
            // still be reading `job` when the next call writes it.
            pending.store(workers.count, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            for worker in workers where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                worker.wake.signal()
            }
            body(0)
            while pending.load(ordering: .acquiring) > 0 { sched_yield() }
            job = nil
        }
    }

    /// Ends the workers once they finish waiting; the pool is unusable afterwards.
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        for worker in workers where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            worker.wake.signal()
        }
    }

    private func serve(slice: Int, _ worker: Worker) {
        // 0, the value before any call: a call made before this thread got going is still seen.
        var seen = 0
        while true {
            seen = waitForChange(from: seen, worker)
            if stopping.load(ordering: .acquiring) { return }
            if slice < jobSlices, let job { job(slice) }
            pending.subtract(1, ordering: .releasing)
        }
    }

    /// Spins (yielding) until `generation` moves past `seen`, then sleeps; returns the new value.
    private func waitForChange(from seen: Int, _ worker: Worker) -> Int {
        let start = DispatchTime.now().uptimeNanoseconds
        var checks = 0
        while true {
            let now = generation.load(ordering: .acquiring)
            if now != seen { return now }
            checks += 1
            if checks % 64 == 0 && DispatchTime.now().uptimeNanoseconds - start > WorkerPool.spinNanoseconds { break }
            sched_yield()
        }
        // Sleep. The caller bumps `generation` and then clears `sleeping`, signalling if it was
        // set; setting `sleeping` and then re-reading `generation` means a bump is never missed.
        worker.sleeping.store(true, ordering: .sequentiallyConsistent)
        if generation.load(ordering: .sequentiallyConsistent) != seen {
            // Work arrived meanwhile: cancel the sleep, or take the signal the caller already sent.
            if !worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.wait() }
        } else {
            worker.wake.wait()
        }
        return generation.load(ordering: .acquiring)
    }
}
