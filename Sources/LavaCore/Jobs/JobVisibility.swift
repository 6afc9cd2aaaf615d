/// Who may see a job: `public`, `personal`, or `{group: [names]}`.
public enum JobVisibility: Sendable, Equatable {
    case `public`
    case personal
    case group([String])
}
