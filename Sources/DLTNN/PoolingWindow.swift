import DLTCore

extension Layer {
    /// The window geometry of a 2-D pooling layer over a per-sample (C, H, W) input, with
    /// PyTorch's rule that padding may be at most half the pool size.
    func poolingGeometry(_ inputShapes: [Shape], size: (Int, Int), stride: (Int, Int),
                         padding: Padding) throws -> WindowGeometry {
        try expectInputs(inputShapes, count: 1)
        try expectRank(inputShapes[0], 3, what: "an image (C, H, W)")
        let s = inputShapes[0]
        let geometry = try padding.geometry(layer: name, channels: s[0], height: s[1], width: s[2],
                                            kernel: size, stride: stride)
        if geometry.padTop * 2 > size.0 || geometry.padLeft * 2 > size.1 {
            throw EngineError("layer '\(name)' (\(typeName)): padding must be at most half the pool size \(size.0)x\(size.1)")
        }
        return geometry
    }
}
