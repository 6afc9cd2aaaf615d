import Hummingbird

/// LAVA's (Django REST framework's) limit/offset pages: `{"count", "next", "previous", "results"}`.
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    var count: Int
    var next: String?
    var previous: String?
    var results: [Item]
}

struct PageRequest: Sendable {
    var limit: Int
    var offset: Int

    static let defaultLimit = 50
    static let maxLimit = 1000

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        limit = Self.defaultLimit
        offset = 0
        if let text = query.get("limit") {
            // Above the largest page, the largest page: as Django REST framework's max_limit.
            limit = min(try RequestInteger.parse(text, field: "limit", in: 1...RequestInteger.maxPosition), Self.maxLimit)
        }
        if let text = query.get("offset") {
            offset = try RequestInteger.parse(text, field: "offset", in: 0...RequestInteger.maxPosition)
        }
    }

    /// The requested page of a list held whole in memory.
    func page<Item>(slicing items: [Item], request: Request) -> Page<Item> {
        page(Array(items.dropFirst(offset).prefix(limit)), count: items.count, request: request)
    }

    func page<Item>(_ items: [Item], count: Int, request: Request) -> Page<Item> {
        let path = request.uri.path
        func link(_ offset: Int) -> String { "\(path)?limit=\(limit)&offset=\(offset)" }
        return Page(
            count: count,
            next: offset + limit < count ? link(offset + limit) : nil,
            previous: offset > 0 ? link(max(offset - limit, 0)) : nil,
            results: items
        )
    }
}
