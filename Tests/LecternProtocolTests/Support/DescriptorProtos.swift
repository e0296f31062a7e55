import LecternProtocol

// The few messages of google/protobuf/descriptor.proto that the agreement tests read,
// decoded with Lectern's own codec (fields not listed are skipped as unknown).

/// `google.protobuf.FileDescriptorSet`.
struct FileDescriptorSet: ProtoMessage {
    var files: [FileDescriptorProto] = []

    func encode(to writer: inout ProtoWriter) { writer.writeRepeatedMessage(files, field: 1) }

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        if tag.number == 1 { files.append(try reader.readMessage(tag, merging: nil)) } else { try reader.skip(tag) }
    }

    static let protoName = "google.protobuf.FileDescriptorSet"
    static let protoFields: [ProtoField] = [.repeated(1, "file", .message(FileDescriptorProto.self))]
}

/// `google.protobuf.FileDescriptorProto`.
struct FileDescriptorProto: ProtoMessage {
    var name = ""
    var package = ""
    var messageTypes: [DescriptorProto] = []
    var enumTypes: [EnumDescriptorProto] = []
    var services: [ServiceDescriptorProto] = []

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: name = try reader.readString(tag)
        case 2: package = try reader.readString(tag)
        case 4: messageTypes.append(try reader.readMessage(tag, merging: nil))
        case 5: enumTypes.append(try reader.readMessage(tag, merging: nil))
        case 6: services.append(try reader.readMessage(tag, merging: nil))
        default: try reader.skip(tag)
        }
    }

    static let protoName = "google.protobuf.FileDescriptorProto"
    static let protoFields: [ProtoField] = []
}

/// `google.protobuf.DescriptorProto`.
struct DescriptorProto: ProtoMessage {
    var name = ""
    var fields: [FieldDescriptorProto] = []
    var nestedTypes: [DescriptorProto] = []
    var enumTypes: [EnumDescriptorProto] = []
    var isMapEntry = false
    var oneofNames: [String] = []

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: name = try reader.readString(tag)
        case 2: fields.append(try reader.readMessage(tag, merging: nil))
        case 3: nestedTypes.append(try reader.readMessage(tag, merging: nil))
        case 4: enumTypes.append(try reader.readMessage(tag, merging: nil))
        case 7:
            let options: MessageOptions = try reader.readMessage(tag, merging: nil)
            isMapEntry = options.mapEntry
        case 8:
            let oneof: OneofDescriptorProto = try reader.readMessage(tag, merging: nil)
            oneofNames.append(oneof.name)
        default: try reader.skip(tag)
        }
    }

    static let protoName = "google.protobuf.DescriptorProto"
    static let protoFields: [ProtoField] = []
}

/// `google.protobuf.MessageOptions`.
struct MessageOptions: ProtoMessage {
    var mapEntry = false

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        if tag.number == 7 { mapEntry = try reader.readBool(tag) } else { try reader.skip(tag) }
    }

    static let protoName = "google.protobuf.MessageOptions"
    static let protoFields: [ProtoField] = []
}

/// `google.protobuf.OneofDescriptorProto`.
struct OneofDescriptorProto: ProtoMessage {
    var name = ""

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        if tag.number == 1 { name = try reader.readString(tag) } else { try reader.skip(tag) }
    }

    static let protoName = "google.protobuf.OneofDescriptorProto"
    static let protoFields: [ProtoField] = []
}

/// `google.protobuf.FieldDescriptorProto`.
struct FieldDescriptorProto: ProtoMessage {
    var name = ""
    var number: Int32 = 0
    /// 1 optional, 2 required, 3 repeated.
    var label: Int32 = 0
    /// TYPE_DOUBLE = 1 ... TYPE_SINT64 = 18.
    var type: Int32 = 0
    var typeName = ""
    var oneofIndex: Int32?
    var proto3Optional = false

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: name = try reader.readString(tag)
        case 3: number = try reader.readInt32(tag)
        case 4: label = try reader.readInt32(tag)
        case 5: type = try reader.readInt32(tag)
        case 6: typeName = try reader.readString(tag)
        case 9: oneofIndex = try reader.readInt32(tag)
        case 17: proto3Optional = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    static let protoName = "google.protobuf.FieldDescriptorProto"
    static let protoFields: [ProtoField] = []
}

/// `google.protobuf.EnumDescriptorProto`.
struct EnumDescriptorProto: ProtoMessage {
    var name = ""
    var values: [EnumValueDescriptorProto] = []

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: name = try reader.readString(tag)
        case 2: values.append(try reader.readMessage(tag, merging: nil))
        default: try reader.skip(tag)
        }
    }

    static let protoName = "google.protobuf.EnumDescriptorProto"
    static let protoFields: [ProtoField] = []
}

/// `google.protobuf.EnumValueDescriptorProto`.
struct EnumValueDescriptorProto: ProtoMessage {
    var name = ""
    var number: Int32 = 0

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: name = try reader.readString(tag)
        case 2: number = try reader.readInt32(tag)
        default: try reader.skip(tag)
        }
    }

    static let protoName = "google.protobuf.EnumValueDescriptorProto"
    static let protoFields: [ProtoField] = []
}

/// `google.protobuf.ServiceDescriptorProto`.
struct ServiceDescriptorProto: ProtoMessage {
    var name = ""
    var methods: [MethodDescriptorProto] = []

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: name = try reader.readString(tag)
        case 2: methods.append(try reader.readMessage(tag, merging: nil))
        default: try reader.skip(tag)
        }
    }

    static let protoName = "google.protobuf.ServiceDescriptorProto"
    static let protoFields: [ProtoField] = []
}

/// `google.protobuf.MethodDescriptorProto`.
struct MethodDescriptorProto: ProtoMessage {
    var name = ""
    var inputType = ""
    var outputType = ""
    var clientStreaming = false
    var serverStreaming = false

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: name = try reader.readString(tag)
        case 2: inputType = try reader.readString(tag)
        case 3: outputType = try reader.readString(tag)
        case 5: clientStreaming = try reader.readBool(tag)
        case 6: serverStreaming = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    static let protoName = "google.protobuf.MethodDescriptorProto"
    static let protoFields: [ProtoField] = []
}
