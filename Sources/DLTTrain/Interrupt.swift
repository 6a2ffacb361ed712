import Foundation

/// Ctrl-C during training: the first SIGINT asks the trainer to finish the current step, write
/// last.safetensors and exit 130; a second one exits at once. Under mpirun, which turns Ctrl-C
/// into SIGTERM for every rank (and SIGKILL a second later), SIGTERM does the same, and so does
/// SIGUSR1, which mpirun forwards to every rank without killing any: `kill -USR1 <mpirun>`.
public enum Interrupt {
    nonisolated(unsafe) private static var requests: sig_atomic_t = 0

    public static func install(distributed: Bool = false) {
        let handler: @convention(c) (Int32) -> Void = { _ in
            Interrupt.requests += 1
            if Interrupt.requests > 1 { _exit(130) }
        }
        signal(SIGINT, handler)
        if distributed {
            signal(SIGTERM, handler)
            signal(SIGUSR1, handler)
        }
    }

    public static var requested: Bool { requests > 0 }
}
