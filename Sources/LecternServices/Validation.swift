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

    func check() throws {
        guard let first = violations.first else { return }
        throw RPCError(
            .invalidArgument, "\(first.field): \(first.description)",
            details: .with { $0.fieldViolations = violations }
        )
    }
}
