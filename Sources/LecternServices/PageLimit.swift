import LecternStorage

/// Pages of large items stop early: a page's response stays near 1 MiB, whatever its
/// `page_size`, so that it fits well inside the 4 MiB frame limit every client applies by
/// default (a page of 1,000 events of 16 KiB would be 16 MB). A page cut short still has
/// a `next_page_token`, so following the tokens gives every item once.
enum PageLimit {
    /// About the most a page's items add up to, in encoded bytes.
    static let bytes = 1 << 20

    /// How many of `items`, from the first, a page holds: those whose sizes add up to at
    /// most `bytes`, and at least one.
    static func count<Item>(_ items: [Item], size: (Item) -> Int) -> Int {
        var total = 0
        for (index, item) in items.enumerated() {
            total += size(item)
            if total > bytes { return max(1, index) }
        }
        return items.count
    }
}

/// Encoded sizes, from above: the variable-length fields plus a bound on the rest.
extension StoredEvent {
    var pageBytes: Int { payload.count + clientSessionID.utf8.count + type.utf8.count + contentID.utf8.count + 80 }
}

extension MessageRecord {
    var pageBytes: Int { body.utf8.count + 64 }
}

extension MilestoneRecord {
    var pageBytes: Int { contentID.utf8.count + attributesJSON.utf8.count + 80 }
}
