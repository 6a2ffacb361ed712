import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Open MPI's C API, loaded at run time with dlopen: dlt builds and runs on machines without
/// Open MPI, and needs libmpi only when `mpirun` started it. The handles MPI_COMM_WORLD,
/// MPI_FLOAT, MPI_SUM, ... are, in Open MPI's ABI, the addresses of exported globals
/// (`ompi_mpi_comm_world`, `ompi_mpi_float`, ...), so dlsym yields them too.
final class OpenMPILibrary: @unchecked Sendable {
    typealias Handle = UnsafeMutableRawPointer
    typealias InitThread = @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?, Int32, UnsafeMutablePointer<Int32>) -> Int32
    typealias CommQuery = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    typealias Allreduce = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer, Int32, Handle, Handle, Handle) -> Int32
    typealias Bcast = @convention(c) (UnsafeMutableRawPointer, Int32, Handle, Int32, Handle) -> Int32
    typealias Allgather = @convention(c) (UnsafeRawPointer, Int32, Handle, UnsafeMutableRawPointer, Int32, Handle, Handle) -> Int32
    typealias Alltoall = @convention(c) (UnsafeRawPointer, Int32, Handle, UnsafeMutableRawPointer, Int32, Handle, Handle) -> Int32
    typealias Allgatherv = @convention(c) (UnsafeRawPointer, Int32, Handle, UnsafeMutableRawPointer, UnsafePointer<Int32>,
                                           UnsafePointer<Int32>, Handle, Handle) -> Int32
    typealias Finalize = @convention(c) () -> Int32

    /// The sonames tried, newest ABI first.
    static let libraryNames = ["libmpi.so.40", "libmpi.so"]
    /// MPI_IN_PLACE in Open MPI's mpi.h.
    static let inPlace = UnsafeRawPointer(bitPattern: 1)
    /// MPI_THREAD_FUNNELED: only the main thread calls MPI (the engine's workers never do).
    static let threadFunneled: Int32 = 1

    let initThread: InitThread
    let commRank: CommQuery
    let commSize: CommQuery
    let allreduce: Allreduce
    let bcast: Bcast
    let allgather: Allgather
    let allgatherv: Allgatherv
    let alltoall: Alltoall
    let finalize: Finalize
    let commWorld: Handle
    let float: Handle
    let double: Handle
    let int32: Handle
    let sum: Handle

    /// Loads libmpi globally (Open MPI's own plugins resolve its symbols) and every entry point.
    init() throws {
        var library: UnsafeMutableRawPointer?
        for name in OpenMPILibrary.libraryNames where library == nil {
            library = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
        }
        guard let library else {
            throw UsageError("started by mpirun, but Open MPI's libmpi.so.40 cannot be loaded (install openmpi-bin and libopenmpi-dev, or run without mpirun)")
        }
        func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
            guard let address = dlsym(library, name) else {
                throw UsageError("libmpi has no symbol \(name): dlt needs Open MPI 4 or later")
            }
            return address
        }
        initThread = unsafeBitCast(try symbol("MPI_Init_thread"), to: InitThread.self)
        commRank = unsafeBitCast(try symbol("MPI_Comm_rank"), to: CommQuery.self)
        commSize = unsafeBitCast(try symbol("MPI_Comm_size"), to: CommQuery.self)
        allreduce = unsafeBitCast(try symbol("MPI_Allreduce"), to: Allreduce.self)
        bcast = unsafeBitCast(try symbol("MPI_Bcast"), to: Bcast.self)
        allgather = unsafeBitCast(try symbol("MPI_Allgather"), to: Allgather.self)
        allgatherv = unsafeBitCast(try symbol("MPI_Allgatherv"), to: Allgatherv.self)
        alltoall = unsafeBitCast(try symbol("MPI_Alltoall"), to: Alltoall.self)
        finalize = unsafeBitCast(try symbol("MPI_Finalize"), to: Finalize.self)
        commWorld = try symbol("ompi_mpi_comm_world")
        float = try symbol("ompi_mpi_float")
        double = try symbol("ompi_mpi_double")
        int32 = try symbol("ompi_mpi_int")
        sum = try symbol("ompi_mpi_op_sum")
    }
}
