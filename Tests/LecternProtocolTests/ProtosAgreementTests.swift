import LecternProtocol
import Testing

/// `Protos/` compiled by protoc and the Swift message types must describe the same
/// messages: same names, same field numbers, names, types and cardinality, same enums.
@Suite("Protos and Swift types agree")
struct ProtosAgreementTests {
    @Test("every lectern.v1 message and enum in Protos/ has a Swift twin with the same fields, and no more")
    func lecternV1() throws {
        let set = try Protoc.descriptorSet(of: Protoc.protosDirectory)
        try compare(set, package: "lectern.v1", messages: LecternV1.messageTypes, enums: LecternV1.enumTypes)
    }

    @Test("every RPC in Protos/ is in LecternV1.methods with the same types and shape, and no more")
    func methods() throws {
        let set = try Protoc.descriptorSet(of: Protoc.protosDirectory)
        var fromProtos: [String] = []
        for file in set.files where file.package == "lectern.v1" {
            for service in file.services {
                for method in service.methods {
                    let kind = method.serverStreaming ? "server-streaming" : (method.clientStreaming ? "client-streaming" : "unary")
                    fromProtos.append("/lectern.v1.\(service.name)/\(method.name) \(method.inputType.dropFirst()) \(method.outputType.dropFirst()) \(kind)")
                }
            }
        }
        let fromSwift = LecternV1.methods.map { method in
            let kind = switch method.kind {
            case .unary: "unary"
            case .serverStreaming: "server-streaming"
            case .clientStreaming: "client-streaming"
            }
            return "\(method.path) \(method.request.protoName) \(method.response.protoName) \(kind)"
        }
        #expect(fromProtos.sorted() == fromSwift.sorted())
    }

    @Test("the test-only FieldKinds proto matches its Swift twin")
    func fieldKinds() throws {
        let set = try Protoc.descriptorSet(of: Protoc.testProtosDirectory)
        try compare(
            set, package: "lectern.testing.v1",
            messages: [FieldKinds.self, Nested.self], enums: [Color.self]
        )
    }

    @Test("a field table that disagrees with Protos is caught")
    func detectsDisagreement() throws {
        struct Mislabeled: ProtoMessage {
            func encode(to writer: inout ProtoWriter) {}
            mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {}
            static let protoName = "lectern.v1.Ping"
            static let protoFields: [ProtoField] = [.init(1, "opaque_data", .uint64)]
        }
        let set = try Protoc.descriptorSet(of: Protoc.protosDirectory)
        let proto = try #require(messageDescriptors(in: set, package: "lectern.v1")["lectern.v1.Ping"])
        #expect(describe(proto.descriptor, nested: proto.nested) != describe(Mislabeled.self))
    }

    // MARK: Comparison

    private func compare(
        _ set: FileDescriptorSet, package: String,
        messages: [any ProtoMessage.Type], enums: [any ProtoEnum.Type]
    ) throws {
        let protoMessages = messageDescriptors(in: set, package: package)
        let swiftMessages = Dictionary(uniqueKeysWithValues: messages.map { ($0.protoName, $0) })
        #expect(Set(protoMessages.keys) == Set(swiftMessages.keys), "messages on one side only")
        for (name, proto) in protoMessages.sorted(by: { $0.key < $1.key }) {
            guard let type = swiftMessages[name] else { continue }
            #expect(describe(proto.descriptor, nested: proto.nested) == describe(type), "fields of \(name)")
        }

        var protoEnums: [String: [String: Int32]] = [:]
        for file in set.files where file.package == package {
            for enumType in file.enumTypes {
                protoEnums["\(package).\(enumType.name)"] = Dictionary(uniqueKeysWithValues: enumType.values.map { ($0.name, $0.number) })
            }
        }
        let swiftEnums = Dictionary(uniqueKeysWithValues: enums.map { type in
            (type.protoName, Dictionary(uniqueKeysWithValues: type.protoValues.map { ($0.name, $0.number) }))
        })
        #expect(protoEnums == swiftEnums)
    }

    private func messageDescriptors(in set: FileDescriptorSet, package: String) -> [String: (descriptor: DescriptorProto, nested: [String: DescriptorProto])] {
        var result: [String: (DescriptorProto, [String: DescriptorProto])] = [:]
        for file in set.files where file.package == package {
            for message in file.messageTypes {
                let name = "\(package).\(message.name)"
                let nested = Dictionary(uniqueKeysWithValues: message.nestedTypes.map { ("\(name).\($0.name)", $0) })
                #expect(message.nestedTypes.allSatisfy { $0.isMapEntry }, "\(name): nested types other than map entries have no Swift twin yet")
                #expect(message.enumTypes.isEmpty, "\(name): nested enums have no Swift twin yet")
                result[name] = (message, nested)
            }
        }
        return result
    }

    /// One line per field: "number name kind cardinality oneof", sorted by number.
    private func describe(_ message: DescriptorProto, nested: [String: DescriptorProto]) -> [String] {
        message.fields.map { field in
            let typeName = String(field.typeName.drop(while: { $0 == "." }))
            var kind = Self.scalarNames[field.type] ?? typeName
            var cardinality = field.label == 3 ? "repeated" : (field.proto3Optional ? "optional" : "singular")
            if let entry = nested[typeName], entry.isMapEntry {
                let key = entry.fields.first { $0.number == 1 }
                let value = entry.fields.first { $0.number == 2 }
                func name(_ f: FieldDescriptorProto?) -> String {
                    guard let f else { return "?" }
                    return Self.scalarNames[f.type] ?? String(f.typeName.drop(while: { $0 == "." }))
                }
                kind = "map<\(name(key)), \(name(value))>"
                cardinality = "repeated"
            }
            let oneof = field.proto3Optional ? "" : field.oneofIndex.map { message.oneofNames[Int($0)] } ?? ""
            return "\(field.number) \(field.name) \(kind) \(cardinality) \(oneof)"
        }.sorted()
    }

    private func describe(_ type: any ProtoMessage.Type) -> [String] {
        type.protoFields.map { field in
            let cardinality = switch field.cardinality {
            case .singular: "singular"
            case .optional: "optional"
            case .repeated: "repeated"
            }
            return "\(field.number) \(field.name) \(Self.name(field.kind)) \(cardinality) \(field.oneof ?? "")"
        }.sorted()
    }

    private static func name(_ kind: ProtoField.Kind) -> String {
        switch kind {
        case .int32: "int32"
        case .int64: "int64"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .sint32: "sint32"
        case .sint64: "sint64"
        case .fixed32: "fixed32"
        case .fixed64: "fixed64"
        case .sfixed32: "sfixed32"
        case .sfixed64: "sfixed64"
        case .bool: "bool"
        case .float: "float"
        case .double: "double"
        case .string: "string"
        case .bytes: "bytes"
        case .enumeration(let type): type.protoName
        case .message(let type): type.protoName
        case .map(let key, let value): "map<\(name(key)), \(name(value))>"
        }
    }

    /// descriptor.proto's FieldDescriptorProto.Type numbers for scalar types.
    private static let scalarNames: [Int32: String] = [
        1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32",
        8: "bool", 9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64",
        17: "sint32", 18: "sint64",
    ]
}
