import LecternProtocol

/// Collects what is wrong with a request; `check()` throws INVALID_ARGUMENT naming every
/// field at fault, so nothing is written.
struct Validation {
    private var violations: [FieldViolation] = []

    /// The field's name and the description are built only when `condition` fails: a
    /// valid batch of 100 events would otherwise build about a thousand strings.
    mutating func require(_ condition: Bool, _ field: @autoclosure () -> String, _ description: @autoclosure () -> String) {
        if !condition { violations.append(FieldViolation(field: field(), description: description())) }
    }

    mutating func length(_ value: String, _ field: @autoclosure () -> String, _ range: ClosedRange<Int>) {
        let count = value.utf8.count
        require(range.contains(count), field(), "must be \(range.lowerBound) to \(range.upperBound) bytes of UTF-8, got \(count)")
    }

    /// One line of text: `range` bytes of UTF-8 and no control character (C0, DEL or C1).
    /// Such text reaches logs, terminals and exports, where a control character could
    /// start a forged line or move the cursor.
    mutating func line(_ value: String, _ field: @autoclosure () -> String, _ range: ClosedRange<Int>) {
        length(value, field(), range)
        require(!Self.holdsControlCharacter(value, allowingLineBreaks: false), field(), "must not hold control characters")
    }

    /// Text that may run over several lines: as `line`, but tab, line feed and carriage
    /// return are allowed.
    mutating func text(_ value: String, _ field: @autoclosure () -> String, _ range: ClosedRange<Int>) {
        length(value, field(), range)
        require(!Self.holdsControlCharacter(value, allowingLineBreaks: true), field(), "must not hold control characters other than tab and line breaks")
    }

    static func holdsControlCharacter(_ value: String, allowingLineBreaks: Bool) -> Bool {
        var previous: UInt8 = 0
        for byte in value.utf8 {
            switch byte {
            case 0x09, 0x0A, 0x0D: if !allowingLineBreaks { return true }
            case 0x00..<0x20, 0x7F: return true
            // C1 controls, U+0080 to U+009F, are 0xC2 0x80 to 0xC2 0x9F in UTF-8.
            case 0x80...0x9F where previous == 0xC2: return true
            default: break
            }
            previous = byte
        }
        return false
    }

    func check() throws {
        guard let first = violations.first else { return }
        throw RPCError(
            .invalidArgument, "\(first.field): \(first.description)",
            details: .with { $0.fieldViolations = violations }
        )
    }
}
