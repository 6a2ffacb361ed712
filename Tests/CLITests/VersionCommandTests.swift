import Foundation
import Testing

/// `dlt --version`: "dlt X.Y.Z" on the first line, then the BLAS library OpenBLAS reports.
@Suite struct VersionCommandTests {
    @Test func printsTheVersionAndTheBLASLibrary() async {
        let result = await runDLT(["--version"])
        #expect(result.code == 0, "\(result.transcript)")
        #expect(result.stderr.isEmpty, "\(result.transcript)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.transcript)")
        #expect(lines.first?.wholeMatch(of: #/dlt \d+\.\d+\.\d+/#) != nil, "\(result.transcript)")
        #expect(lines.last?.hasPrefix("BLAS: OpenBLAS ") == true, "\(result.transcript)")
    }
}
