import Foundation
import Testing

/// An interrupted sweep continues when the same command runs again: killed with SIGKILL after its
/// second trial, the finished trials are not rerun; stopped with Ctrl-C (SIGINT) inside a trial,
/// it exits 130 and the rerun resumes that trial from its checkpoint.
@Suite struct SweepResumeTests {
    /// Trials of a few seconds each (8 steps an epoch, data loading dominates), so a signal lands inside one.
    static func arguments(out: URL, maxSteps: Int, rates: String = "0.001,0.002,0.004") -> [String] {
        ["sweep", "configs/mnist_mlp.yaml", "--grid", "optimizer.lr=" + rates, "--train-limit", "256", "--epochs", "100",
         "--max-steps", String(maxSteps), "--threads", "1", "--out", out.path]
    }

    /// `dlt ARGS` started in the background, output to files.
    final class BackgroundRun {
        let process = Process()

        /// Call on a thread of its own (`onOwnThread`): the child inherits the thread's signal mask,
        /// and the threads of Swift's concurrency pool block SIGINT, which Ctrl-C must reach.
        init(_ arguments: [String]) throws {
            var interrupt = sigset_t()
            sigemptyset(&interrupt)
            sigaddset(&interrupt, SIGINT)
            pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
            process.executableURL = DLTLocation.binary
            process.arguments = arguments
            process.currentDirectoryURL = DLTLocation.packageRoot
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Polls `condition` every 20 ms for up to `seconds`; false if the process ended or time ran out first.
        func wait(seconds: Double, until condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition() { return true }
                if !process.isRunning { return condition() }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return false
        }

        func signal(_ number: Int32) -> Int32 {
            kill(process.processIdentifier, number)
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    static func rows(_ out: URL) -> [[String: Any]] {
        let text = (try? String(contentsOf: out.appendingPathComponent("sweep.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { jsonObject(String($0)) }
    }

    static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    @Test func aSweepKilledAfterItsSecondTrialContinuesWithoutRerunningThem() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("sweep")
            let arguments = Self.arguments(out: out, maxSteps: 20)
            let killed = await onOwnThread { () -> Bool in
                guard let run = try? BackgroundRun(arguments) else { return false }
                let sawTwo = run.wait(seconds: 90) { Self.rows(out).count >= 2 }
                _ = run.signal(SIGKILL)
                return sawTwo
            }
            #expect(killed, "the sweep never recorded two trials")
            let recorded = Self.rows(out).count
            #expect(recorded >= 2 && recorded <= 3)
            let firstTwo = ["trial-001", "trial-002"].map { out.appendingPathComponent($0 + "/last.safetensors") }
            let before = firstTwo.map(Self.modified)

            let rerun = await runDLT(arguments)
            #expect(rerun.code == 0, "\(rerun.transcript)")
            #expect(!rerun.stderr.contains("sweep: trial-001") && !rerun.stderr.contains("sweep: trial-002"), "\(rerun.stderr)")
            #expect(firstTwo.map(Self.modified) == before, "the finished trials' run directories are untouched")
            #expect(Self.rows(out).map { $0["trial"] as? String } == ["trial-001", "trial-002", "trial-003"])
            #expect(Self.rows(out).allSatisfy { $0["status"] as? String == "finished" && $0["step"] as? Int == 20 })
            #expect(rerun.stdout.split(separator: "\n").count == 4, "\(rerun.stdout)")
        }
    }

    @Test func ctrlCStopsTheSweepWith130AndTheRerunResumesTheTrial() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("sweep")
            let arguments = Self.arguments(out: out, maxSteps: 64, rates: "0.001,0.002")
            let firstMetrics = out.appendingPathComponent("trial-001/metrics.jsonl")
            let status = await onOwnThread { () -> Int32 in
                guard let run = try? BackgroundRun(arguments) else { return -1 }
                // Two epochs written: trial-001 has a last.safetensors and is far from step 64.
                _ = run.wait(seconds: 90) {
                    ((try? String(contentsOf: firstMetrics, encoding: .utf8))?.split(separator: "\n").count ?? 0) >= 2
                }
                return run.signal(SIGINT)
            }
            #expect(status == 130)
            #expect(Self.rows(out).isEmpty, "the interrupted trial is not recorded as finished")
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("trial-001/last.safetensors").path))

            let rerun = await runDLT(arguments, timeout: 240)
            #expect(rerun.code == 0, "\(rerun.transcript)")
            #expect(rerun.stderr.contains("sweep: resuming trial-001 from"), "\(rerun.stderr)")
            #expect(Self.rows(out).map { $0["trial"] as? String } == ["trial-001", "trial-002"])
            #expect(Self.rows(out).first?["step"] as? Int == 64)
        }
    }
}
