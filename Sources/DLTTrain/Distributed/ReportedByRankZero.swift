/// An error every rank of an mpirun job meets at the same step (a NaN loss after the allreduce,
/// ranks that disagree): rank 0 reports it, and the other ranks exit with its code and no line,
/// so the job prints one.
public struct ReportedByRankZero: Error {
    public let exitCode: Int32

    /// `error` on rank 0; the silent stand-in with `exitCode` on the other ranks.
    static func on(_ group: ProcessGroup, _ error: Error, exitCode: Int32) -> Error {
        group.rank == 0 ? error : ReportedByRankZero(exitCode: exitCode)
    }
}
