import LecternStorage

/// Pages of large items stop early: a page's response stays near 1 MiB, whatever its
/// `page_size`, so that it fits well inside the 4 MiB frame limit every client applies by
/// default (a page of 1,000 events of 16 KiB would be 16 MB). A page cut short still has
/// a `next_page_token`, so following the tokens gives every item once.
enum PageLimit {
    /// About the most a page's items add up to, in encoded bytes.
    static let bytes = 1 << 20

    /// The items a page holds, of `items` read with `limit`: those whose sizes add up to at
    /// most `bytes` (at least one); and the last of them when a next page follows (nil on
    /// the last page), for its token.
    static func page<Item: PageItem>(_ items: [Item], limit: Int) -> (items: ArraySlice<Item>, continuesAfter: Item?) {
        var total = 0, count = items.count
        for (index, item) in items.enumerated() {
            total += item.pageBytes
            if total > bytes {
                count = max(1, index)
                break
            }
        }
        let page = items.prefix(count)
        return (page, count < items.count || items.count == limit ? page.last : nil)
    }
}

/// An item of a list response, with its encoded size from above.
protocol PageItem {
    var pageBytes: Int { get }
}

/// The variable-length fields plus a bound on the rest.
extension StoredEvent: PageItem {
    var pageBytes: Int { sizeBound }
}

extension MessageRecord: PageItem {
    var pageBytes: Int { sizeBound }
}

extension MilestoneRecord: PageItem {
    var pageBytes: Int { sizeBound }
}
