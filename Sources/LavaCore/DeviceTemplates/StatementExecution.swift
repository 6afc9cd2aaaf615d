/// Runs statements: Jinja2's scoping (top-level `set`s go to the shared context, `set`s in a
/// block, a loop body, a filter or set block stay there; `if` bodies share their scope) and
/// the rule that a template's own text stops once it has extended another.
extension TemplateRender {
    func execute(_ nodes: [Statement], in frame: inout Frame, into output: inout String) throws(RenderFailure) {
        for node in nodes {
            try budget.step()
            do {
                try execute(node, in: &frame, into: &output)
            } catch {
                var located = error
                if located.line == nil {
                    located.line = Self.line(of: node)
                    located.file = frame.file
                }
                throw located
            }
        }
    }

    private static func line(of node: Statement) -> Int? {
        switch node {
        case .text: nil
        case .output(_, let line), .conditional(_, _, let line), .loop(_, _, _, _, let line), .assign(_, _, let line),
             .assignBlock(_, _, _, let line), .filterBlock(_, _, let line), .block(_, let line), .extends(_, let line):
            line
        }
    }

    private func emit(_ text: String, frame: Frame, into output: inout String) throws(RenderFailure) {
        if let root = frame.root, root.parent != nil { return }
        try append(text, into: &output)
    }

    private func append(_ text: String, into output: inout String) throws(RenderFailure) {
        output += text
        try budget.checkString(output.utf8.count)
        try budget.step(text.utf8.count / 256)
    }

    private func execute(_ node: Statement, in frame: inout Frame, into output: inout String) throws(RenderFailure) {
        switch node {
        case .text(let text):
            try emit(text, frame: frame, into: &output)
        case .output(let expr, _):
            let value = try evaluate(expr, in: frame)
            try emit(try PythonText.str(value, budget: budget), frame: frame, into: &output)
        case .conditional(let branches, let otherwise, _):
            for branch in branches {
                guard try evaluate(branch.test, in: frame).isTruthy else { continue }
                try budget.nested { () throws(RenderFailure) in try execute(branch.body, in: &frame, into: &output) }
                return
            }
            try budget.nested { () throws(RenderFailure) in try execute(otherwise, in: &frame, into: &output) }
        case .loop(let target, let iterable, let body, let otherwise, _):
            try loop(target, iterable, body: body, otherwise: otherwise, in: &frame, into: &output)
        case .assign(let target, let expr, _):
            try assign(target, try evaluate(expr, in: frame), in: &frame)
        case .assignBlock(let name, let filters, let body, _):
            try assignBlock(name, filters: filters, body: body, in: &frame)
        case .filterBlock(let filters, let body, _):
            try filterBlock(filters, body: body, in: &frame, into: &output)
        case .block(let name, _):
            if let root = frame.root, root.parent != nil { return }
            try append(try renderBlock(name, index: 0), into: &output)
        case .extends(let expr, _):
            try extend(try evaluate(expr, in: frame), in: frame)
        }
    }

    // Statements with locals of their own, out of `execute` to keep its stack frame small.

    private func loop(_ target: AssignTarget, _ iterable: Expr, body: [Statement], otherwise: [Statement],
                      in frame: inout Frame, into output: inout String) throws(RenderFailure) {
        let items = try ValueOperations.iterate(try evaluate(iterable, in: frame), budget: budget)
        try budget.nested { () throws(RenderFailure) in
            if items.isEmpty {
                frame.scopes.append([:])
                defer { frame.scopes.removeLast() }
                try execute(otherwise, in: &frame, into: &output)
                return
            }
            for (index, item) in items.enumerated() {
                try budget.step()
                // Each pass starts from the enclosing scope again, as in Jinja2.
                frame.scopes.append(["loop": .loop(LoopState(index0: index, items: items))])
                defer { frame.scopes.removeLast() }
                try assign(target, item, in: &frame)
                try execute(body, in: &frame, into: &output)
            }
        }
    }

    private func assignBlock(_ name: String, filters: [FilterCall], body: [Statement], in frame: inout Frame) throws(RenderFailure) {
        // A set block captures its text even where the template's own text is dropped.
        var inner = Frame(scopes: frame.scopes + [[:]], file: frame.file, block: frame.block, root: nil)
        var captured = ""
        try budget.nested { () throws(RenderFailure) in try execute(body, in: &inner, into: &captured) }
        var value = Value.string(captured)
        for filter in filters { value = try applyFilter(filter, to: value, in: frame) }
        assign(name, value, in: &frame)
    }

    private func filterBlock(_ filters: [FilterCall], body: [Statement], in frame: inout Frame, into output: inout String) throws(RenderFailure) {
        frame.scopes.append([:])
        var captured = ""
        do {
            try budget.nested { () throws(RenderFailure) in try execute(body, in: &frame, into: &captured) }
        } catch {
            frame.scopes.removeLast()
            throw error
        }
        frame.scopes.removeLast()
        var value = Value.string(captured)
        for filter in filters { value = try applyFilter(filter, to: value, in: frame) }
        // Jinja2 writes a filter block's result without the check plain text gets.
        try append(try PythonText.str(value, budget: budget), into: &output)
    }
}
