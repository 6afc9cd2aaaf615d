import LavaCore
import SQLKit

/// Gives the jobs submitted before visibility was kept the visibility their definitions ask
/// for, once, in the migration that added the column: a personal job of before must not become
/// public with the upgrade.
enum VisibilityBackfill {
    /// The schema step that adds `jobs.visibility`.
    static let step = 1

    static func run(_ db: any SQLDatabase) async throws {
        let rows = try await db.raw("SELECT id, definition FROM jobs WHERE visibility = ''").all()
        for row in rows {
            let id = try row.decode(column: "id", as: Int.self)
            let definition = try? JobDefinition(yaml: try row.decode(column: "definition", as: String.self))
            // No group existed before this step, so a group job is seen by no one else: personal.
            let kind: JobVisibilityKind = definition?.visibility == .public ? .public : .personal
            try await db.raw("UPDATE jobs SET visibility = \(bind: kind.rawValue) WHERE id = \(bind: id)").run()
        }
    }
}
