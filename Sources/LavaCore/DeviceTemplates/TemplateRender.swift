/// One render of a device dictionary through its chain of `extends`: the state Jinja2 keeps in
/// its render context (the variables top-level `set`s export, the blocks of every template in the
/// chain, most derived first) and the work and output budget.
final class TemplateRender {
    let loader: TemplateLoader
    let budget: RenderBudget
    /// The render globals and what top-level `set`s of each template in the chain assign.
    var context: [String: Value]
    /// Each block's definitions, the most derived template's first (`super()` walks on).
    var blocks: [String: [BlockDefinition]] = [:]
    /// The names of the templates loaded into the chain, to refuse cycles.
    var chain: [String] = []

    /// Where names resolve and assignments go; `scopes` is empty in top-level code, whose
    /// assignments go to the shared context.
    struct Frame {
        var scopes: [[String: Value]]
        let file: String
        let block: (name: String, index: Int)?
        /// Set in a template's top-level code: its text stops once it has extended another.
        let root: RootState?
    }

    final class RootState {
        var parent: ParsedTemplate?
    }

    init(loader: TemplateLoader, limits: TemplateLimits, variables: [String: TemplateValue]) {
        self.loader = loader
        budget = RenderBudget(limits: limits)
        context = variables.mapValues(Value.init)
    }

    func run(_ template: ParsedTemplate) throws(TemplateError) -> String {
        var output = ""
        var current = template
        chain = [template.name]
        for (name, block) in template.blocks { blocks[name] = [block] }
        while true {
            let root = RootState()
            var frame = Frame(scopes: [], file: current.name, block: nil, root: root)
            do {
                try execute(current.body, in: &frame, into: &output)
            } catch {
                throw TemplateError(file: error.file ?? current.name, line: error.line ?? 0, message: error.message)
            }
            guard let parent = root.parent else { return output }
            current = parent
        }
    }

    // MARK: Names

    /// Jinja2's global functions, none of which LAVA's templates call.
    private static let unsupportedGlobals: Set<String> = ["range", "lipsum", "dict", "cycler", "joiner", "namespace"]

    func lookup(_ name: String, in frame: Frame) -> Value {
        for scope in frame.scopes.reversed() {
            if let value = scope[name] { return value }
        }
        if name == "self" { return .blocks }
        if name == "super", let block = frame.block {
            if let definitions = blocks[block.name], block.index + 1 < definitions.count {
                return .callable(.block(name: block.name, index: block.index + 1))
            }
            return .undefined(reason: "there is no parent block called '\(block.name)'.")
        }
        if let value = context[name] { return value }
        if Self.unsupportedGlobals.contains(name) { return .callable(.unsupported("\(name)()")) }
        return .undefinedName(name)
    }

    func assign(_ name: String, _ value: Value, in frame: inout Frame) {
        if frame.scopes.isEmpty {
            context[name] = value
        } else {
            frame.scopes[frame.scopes.count - 1][name] = value
        }
    }

    func assign(_ target: AssignTarget, _ value: Value, in frame: inout Frame) throws(RenderFailure) {
        switch target {
        case .name(let name):
            assign(name, value, in: &frame)
        case .unpack(let names):
            if case .undefined(let reason) = value { throw RenderFailure(reason) }
            let items = try ValueOperations.iterate(value, budget: budget)
            guard items.count == names.count else {
                throw RenderFailure(items.count > names.count
                    ? "too many values to unpack (expected \(names.count))"
                    : "not enough values to unpack (expected \(names.count), got \(items.count))")
            }
            for (name, item) in zip(names, items) { assign(name, item, in: &frame) }
        }
    }

    // MARK: Blocks

    func renderBlock(_ name: String, index: Int) throws(RenderFailure) -> String {
        guard let definitions = blocks[name], index < definitions.count else {
            throw RenderFailure("there is no block called '\(name)'")
        }
        let definition = definitions[index]
        var frame = Frame(scopes: [[:]], file: definition.file, block: (name, index), root: nil)
        var output = ""
        try budget.nested { () throws(RenderFailure) in
            try execute(definition.body, in: &frame, into: &output)
        }
        return output
    }

    /// `{% extends NAME %}`: loads the parent and adds its blocks after the ones already known.
    func extend(_ nameValue: Value, in frame: Frame) throws(RenderFailure) {
        guard let root = frame.root else { throw RenderFailure("cannot use extends here") }
        guard root.parent == nil else { throw RenderFailure("extended multiple times") }
        guard case .string(let name) = nameValue else {
            if case .undefined(let reason) = nameValue { throw RenderFailure(reason) }
            throw RenderFailure("extends needs a template name, not a \(nameValue.typeName)")
        }
        guard !chain.contains(name) else {
            throw RenderFailure("template '\(name)' extends itself through \(chain.joined(separator: " -> "))")
        }
        guard chain.count < budget.limits.maxExtendsDepth else {
            throw RenderFailure("the extends chain is longer than \(budget.limits.maxExtendsDepth) templates")
        }
        let parent = try loader.load(name)
        chain.append(name)
        for (blockName, block) in parent.blocks { blocks[blockName, default: []].append(block) }
        root.parent = parent
    }
}
