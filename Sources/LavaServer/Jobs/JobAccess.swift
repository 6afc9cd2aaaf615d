import SQLKit

/// Who may see a job, its log and its results, as LAVA's `TestJob.can_view`: admins and the
/// submitter always; anyone else a public job, or a group job when they belong to every one of
/// its groups; a personal job no one else.
enum JobAccess {
    static func canView(_ job: JobRecord, viewer: UserRecord?, jobGroups: [String], viewerGroups: Set<String>) -> Bool {
        canView(visibility: job.visibility, submitter: job.submitter, viewer: viewer, jobGroups: jobGroups, viewerGroups: viewerGroups)
    }

    static func canView(
        visibility: JobVisibilityKind, submitter: String, viewer: UserRecord?, jobGroups: [String], viewerGroups: Set<String>
    ) -> Bool {
        if let viewer, viewer.isAdmin || viewer.name == submitter { return true }
        switch visibility {
        case .public: return true
        case .personal: return false
        case .group: return viewer != nil && !jobGroups.isEmpty && jobGroups.allSatisfy(viewerGroups.contains)
        }
    }

    /// Whether `viewer` may see `job`, reading the groups involved.
    static func canView(_ db: any SQLDatabase, _ job: JobRecord, viewer: UserRecord?) async throws -> Bool {
        guard job.visibility == .group, let viewer else {
            return canView(job, viewer: viewer, jobGroups: [], viewerGroups: [])
        }
        return canView(job, viewer: viewer, jobGroups: try await JobStore.viewingGroups(db, id: job.id),
                       viewerGroups: Set(try await GroupStore.groups(db, of: viewer.name)))
    }

    /// Who may cancel a job: its submitter or an admin (whether it can still be canceled is
    /// JobTransitions' to say).
    static func canCancel(_ job: JobRecord, by user: UserRecord) -> Bool {
        user.isAdmin || user.name == job.submitter
    }

    /// The same rule as a condition on `jobs` rows, for lists; nil when every job is visible.
    static func visibleCondition(to viewer: UserRecord?) -> SQLQueryString? {
        guard let viewer else { return "visibility = \(bind: JobVisibilityKind.public.rawValue)" }
        if viewer.isAdmin { return nil }
        return """
            (visibility = \(bind: JobVisibilityKind.public.rawValue) OR submitter = \(bind: viewer.name)
             OR (visibility = \(bind: JobVisibilityKind.group.rawValue) AND NOT EXISTS (
                 SELECT 1 FROM job_viewing_groups g WHERE g.job_id = jobs.id AND NOT EXISTS (
                     SELECT 1 FROM user_group_members m WHERE m.group_name = g.group_name AND m.user_name = \(bind: viewer.name)))))
            """
    }
}
