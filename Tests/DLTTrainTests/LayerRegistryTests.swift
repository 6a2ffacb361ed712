import DLTConfig
import DLTTrain
import Foundation
import Testing

/// The registry is the one list of layer types: docs/config.md's table is its rendering, and
/// every type's name, keys and defaults come from it.
@Suite struct LayerRegistryTests {
    static let configReference = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/config.md")

    /// The layer table of docs/config.md: from its header row to the first blank line.
    static func documentedTable() throws -> String {
        let text = try String(contentsOf: configReference, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "| type | key | type | default | meaning |") else { return "" }
        let end = lines[start...].firstIndex(of: "") ?? lines.count
        return lines[start..<end].joined(separator: "\n") + "\n"
    }

    @Test func configReferenceListsEveryLayerTypeAsTheRegistryDoes() throws {
        let expected = LayerRegistry.schemas.markdownReference
        let documented = try Self.documentedTable()
        #expect(documented == expected, "docs/config.md's layer table differs from the registry; replace it with:\n\(expected)")
    }

    @Test func configReferenceNamesEveryActivationAndInit() throws {
        let text = try String(contentsOf: Self.configReference, encoding: .utf8)
        for name in ActivationName.allCases.map(\.rawValue) + InitializerSpec.names {
            #expect(text.contains("`\(name)`"), "docs/config.md does not mention `\(name)`")
        }
    }

    @Test func typeNamesAreUniqueAndEveryKeyOnce() {
        let types = LayerRegistry.schemas.types
        #expect(Set(types).count == types.count)
        for schema in LayerRegistry.schemas.schemas {
            let keys = schema.keys.map(\.name)
            #expect(Set(keys).count == keys.count, "\(schema.type) lists a key twice")
            #expect(!keys.contains("name") && !keys.contains("inputs"), "\(schema.type) redefines a common key")
        }
    }
}
