import Foundation
import Testing
@testable import DLTFormats

/// Cross-checks with the reference `safetensors` Python package (skipped without the venv).
@Suite(.enabled(if: ReferencePython.isAvailable, "needs .venv-bench with safetensors"))
struct SafeTensorsPythonTests {
    @Test func pythonSafetensorsReadsOurFile() throws {
        let directory = try ScratchDirectory()
        let path = directory.file("ours.safetensors")
        try SafeTensors.write(sampleFile(), to: path)
        let script = """
        import json, sys
        from safetensors import safe_open
        from safetensors.numpy import load_file
        tensors = load_file(sys.argv[1])
        with safe_open(sys.argv[1], framework="numpy") as f:
            metadata = f.metadata()
        print(json.dumps({"tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape),
                                          "values": [float(x) for x in v.reshape(-1)]} for k, v in tensors.items()},
                          "metadata": metadata}))
        """
        let result = try #require(try ReferencePython.runJSON(script, arguments: [path]) as? [String: Any])
        let tensors = try #require(result["tensors"] as? [String: [String: Any]])
        #expect(tensors.count == sampleFile().tensors.count)
        for tensor in sampleFile().tensors {
            let loaded = try #require(tensors[tensor.name], "python lacks \(tensor.name)")
            #expect(loaded["dtype"] as? String == "float32")
            #expect(loaded["shape"] as? [Int] == tensor.shape)
            let values = try #require(loaded["values"] as? [Double])
            #expect(values.map(Float.init) == tensor.values)
        }
        let metadata = try #require(result["metadata"] as? [String: String])
        #expect(metadata["epoch"] == "3")
        #expect(metadata["config"] == sampleFile().metadata["config"])
        #expect(metadata["format_version"] == "1")
        #expect(metadata["checksum"]?.hasPrefix("crc32c:") == true)
    }

    @Test func weReadAFileWrittenByPythonSafetensors() throws {
        let directory = try ScratchDirectory()
        let path = directory.file("theirs.safetensors")
        _ = try ReferencePython.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        save_file({"conv.weight": np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2) / 8,
                   "conv.bias": np.array([-1.5, 2.25], dtype=np.float32)},
                  sys.argv[1], metadata={"source": "numpy"})
        """, arguments: [path])
        let file = try SafeTensors.read(path: path)
        #expect(file.metadata == ["source": "numpy"])
        #expect(file["conv.weight"]?.shape == [2, 3, 2, 2])
        #expect(file["conv.weight"]?.values == (0..<24).map { Float($0) / 8 })
        #expect(file["conv.bias"]?.values == [-1.5, 2.25])
    }

    @Test func float64FromPythonIsRefusedByName() throws {
        let directory = try ScratchDirectory()
        let path = directory.file("f64.safetensors")
        _ = try ReferencePython.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        save_file({"dense_0.weight": np.ones((2, 2), dtype=np.float64)}, sys.argv[1])
        """, arguments: [path])
        let error = #expect(throws: FormatError.self) { try SafeTensors.read(path: path) }
        #expect(error?.message == "tensor 'dense_0.weight' has dtype F64; dlt reads F32")
    }
}
