/// A job's `visibility` as stored: its groups, for `.group`, are rows of `job_viewing_groups`.
public enum JobVisibilityKind: String, Sendable {
    case `public`
    case personal
    case group
}
