import Foundation
import Hummingbird

/// LAVA's table paging (`page`, 1-based, and `length`, 25 by default), with links that keep the
/// page's other query parameters.
struct Paging: Sendable {
    var page: Int
    var length: Int

    static let maxLength = 500

    init(_ request: Request, defaultLength: Int = 25) throws {
        let query = request.uri.queryParameters
        page = try query.get("page").map { text throws(APIError) in try RequestInteger.parse(text, field: "page", in: 1...1_000_000) } ?? 1
        length = try query.get("length").map { text throws(APIError) in try RequestInteger.parse(text, field: "length", in: 1...Self.maxLength) }
            ?? defaultLength
    }

    var offset: Int { (page - 1) * length }

    /// `pager` values for the templates: where the previous and next pages are, and which rows show.
    func values(count: Int, path: String, keeping parameters: [(String, String)]) -> [String: Any] {
        func link(_ page: Int) -> String {
            let query = (parameters + [("page", String(page)), ("length", String(length))])
                .map { "\(PageQuery.encode($0.0))=\(PageQuery.encode($0.1))" }.joined(separator: "&")
            return path + "?" + query
        }
        let last = max(1, (count + length - 1) / length)
        var values: [String: Any] = [
            "count": count, "has_rows": count > 0, "page": page, "pages": last,
            "first_row": count == 0 ? 0 : offset + 1, "last_row": min(offset + length, count),
        ]
        if page > 1 { values["previous"] = link(page - 1); values["first"] = link(1) }
        if page < last { values["next"] = link(page + 1); values["last"] = link(last) }
        return values
    }
}

enum PageQuery {
    private static let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#"))

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
