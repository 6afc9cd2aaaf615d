/// The work and size left to one render (see `TemplateLimits`); every loop, traversal and string
/// built draws from it, so no input can make a render run away.
final class RenderBudget {
    let limits: TemplateLimits
    private var steps = 0
    /// Recursive evaluation currently in progress (blocks calling blocks, nested expressions).
    private(set) var depth = 0

    init(limits: TemplateLimits) {
        self.limits = limits
    }

    func step(_ count: Int = 1) throws(RenderFailure) {
        steps += count
        guard steps <= limits.maxSteps else {
            throw RenderFailure("the template takes more than \(limits.maxSteps) steps to render (a loop or a value too large?)")
        }
    }

    func checkString(_ byteCount: Int) throws(RenderFailure) {
        guard byteCount <= limits.maxOutputBytes else {
            throw RenderFailure("the template makes a text longer than \(limits.maxOutputBytes) bytes")
        }
    }

    func checkCount(_ count: Int) throws(RenderFailure) {
        guard count <= limits.maxCollectionCount else {
            throw RenderFailure("the template makes a list longer than \(limits.maxCollectionCount) items")
        }
        try step(count / 64)
    }

    /// Runs `body` one level deeper; refuses to go past the nesting limit (a block that renders
    /// itself, say), before the stack could overflow.
    func nested<T>(_ body: () throws(RenderFailure) -> T) throws(RenderFailure) -> T {
        depth += 1
        defer { depth -= 1 }
        // Each level costs a few KB of stack (tens in a debug build): 100 fit any thread's stack.
        guard depth <= limits.maxNesting else {
            throw RenderFailure("the template nests deeper than \(limits.maxNesting) levels while rendering (does a block render itself?)")
        }
        return try body()
    }
}
