import IIPProtocol

/// One page of the viewer's image list as JSON (`/viewer/images.json?page=N`, pages counted from 1):
///
/// ```json
/// {"images":["a.tif","b/c.jp2"],"page":1,"pages":1,"total":2,"truncated":false,"problem":null}
/// ```
struct ImageListPage: Sendable {
    /// Images per page.
    static let size = 100

    /// The page asked for, clamped to the pages there are.
    let page: Int
    /// The number of pages (at least 1).
    let pages: Int
    /// The listing the page is cut from.
    let scan: ImageCatalogScan

    /// Cuts page `page` out of `scan`.
    init(scan: ImageCatalogScan, page: Int) {
        self.scan = scan
        pages = max(1, (scan.identifiers.count + Self.size - 1) / Self.size)
        self.page = min(max(page, 1), pages)
    }

    /// The page number in a query string (`page=N`): 1 when absent, `nil` when it is not a number.
    static func pageNumber(query: String) -> Int? {
        for pair in query.split(separator: "&") where pair.hasPrefix("page=") {
            return Int(pair.dropFirst(5))
        }
        return 1
    }

    /// The JSON text.
    var json: String {
        let start = (page - 1) * Self.size
        let slice = scan.identifiers.dropFirst(start).prefix(Self.size)
        let images = slice.map { "\"\(JSONEscaping.escape($0))\"" }.joined(separator: ",")
        let problem = scan.problem.map { "\"\(JSONEscaping.escape($0))\"" } ?? "null"
        return "{\"images\":[\(images)],\"page\":\(page),\"pages\":\(pages),\"total\":\(scan.identifiers.count),"
            + "\"truncated\":\(scan.truncated),\"problem\":\(problem)}\n"
    }
}
