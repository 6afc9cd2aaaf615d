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

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        limit = Self.defaultLimit
        offset = 0
        if let text = query.get("limit") {
            guard let value = Int(text), value > 0 else { throw APIError(.badRequest, "Invalid 'limit': give a positive integer") }
            limit = min(value, 1000)
        }
        if let text = query.get("offset") {
            guard let value = Int(text), value >= 0 else { throw APIError(.badRequest, "Invalid 'offset': give an integer ≥ 0") }
            offset = value
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
