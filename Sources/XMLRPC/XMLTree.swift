import CExpat

/// An XML document read into elements with libexpat, under limits, for XML-RPC calls: small
/// documents whose every part is needed. Written here because no listed Swift package parses
/// XML without FoundationXML, whose libxml2 runs in recover mode, accepts a truncated document
/// and drops entities silently (docs/notes/xmlrpc.md §3).
struct XMLElement: Sendable, Equatable {
    var name: String
    var children: [XMLElement] = []
    /// The character data directly inside, pieces joined.
    var text = ""
}

/// What an XML-RPC body may cost the server before it is refused.
public struct XMLRPCLimits: Sendable, Equatable {
    /// Elements nested in each other; LAVA's calls need fewer than 10.
    public var depth: Int
    /// Elements in the whole document.
    public var elements: Int

    public init(depth: Int, elements: Int) {
        self.depth = depth
        self.elements = elements
    }

    public static let defaults = XMLRPCLimits(depth: 32, elements: 10_000)
}

enum XMLTree {
    /// The document's root element, or why it was refused: not well-formed, not UTF-8, any
    /// DOCTYPE (so no entity can be declared, let alone expanded: no XXE, no billion laughs),
    /// or over `limits`.
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: XMLRPCLimits) throws(XMLRPCFault) -> XMLElement {
        guard bytes.count < Int(Int32.max) else { throw .unreadable("the document is too large") }
        // UTF-8 only: the encoding given here overrides the document's declaration, and UTF-16,
        // which libexpat would still detect, always holds NUL bytes (UTF-8 XML never does).
        guard !bytes.contains(0) else { throw .unreadable("the body is not UTF-8 (it holds NUL bytes)") }
        guard let parser = XML_ParserCreate("UTF-8") else { throw .internalError }
        defer { XML_ParserFree(parser) }
        let builder = TreeBuilder(parser: parser, limits: limits)
        let context = Unmanaged.passRetained(builder)
        defer { context.release() }
        XML_SetUserData(parser, context.toOpaque())
        XML_SetElementHandler(parser, { data, name, _ in
            guard let data, let name else { return }
            Unmanaged<TreeBuilder>.fromOpaque(data).takeUnretainedValue().start(String(cString: name))
        }, { data, _ in
            guard let data else { return }
            Unmanaged<TreeBuilder>.fromOpaque(data).takeUnretainedValue().end()
        })
        XML_SetCharacterDataHandler(parser) { data, text, length in
            guard let data, let text, length > 0 else { return }
            Unmanaged<TreeBuilder>.fromOpaque(data).takeUnretainedValue().text(UnsafeRawBufferPointer(start: text, count: Int(length)))
        }
        XML_SetStartDoctypeDeclHandler(parser) { data, _, _, _, _ in
            guard let data else { return }
            Unmanaged<TreeBuilder>.fromOpaque(data).takeUnretainedValue().refuse("a DOCTYPE is not accepted")
        }
        XML_SetEntityDeclHandler(parser) { data, _, _, _, _, _, _, _, _ in
            guard let data else { return }
            Unmanaged<TreeBuilder>.fromOpaque(data).takeUnretainedValue().refuse("entity declarations are not accepted")
        }
        let status = XML_Parse(parser, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), 1)
        if let refusal = builder.refusal { throw .unreadable(refusal) }
        guard status == XML_STATUS_OK else {
            let reason = XML_ErrorString(XML_GetErrorCode(parser)).map { String(cString: $0) } ?? "not well-formed"
            throw .unreadable("\(reason) at line \(XML_GetCurrentLineNumber(parser)), column \(XML_GetCurrentColumnNumber(parser))")
        }
        guard let root = builder.root else { throw .unreadable("no element found") }
        return root
    }
}

/// The element stack of one parse; libexpat calls it back through its user data.
private final class TreeBuilder {
    let parser: XML_Parser
    let limits: XMLRPCLimits
    /// The open elements, each with its character data so far (made a String when it closes:
    /// libexpat may hand over text a character at a time).
    var stack: [(element: XMLElement, text: [UInt8])] = []
    var root: XMLElement?
    var count = 0
    var refusal: String?

    init(parser: XML_Parser, limits: XMLRPCLimits) {
        self.parser = parser
        self.limits = limits
    }

    func start(_ name: String) {
        count += 1
        guard count <= limits.elements else { return refuse("more than \(limits.elements) elements") }
        guard stack.count < limits.depth else { return refuse("elements nested deeper than \(limits.depth)") }
        stack.append((XMLElement(name: name), []))
    }

    func end() {
        guard var (element, text) = stack.popLast() else { return }
        element.text = String(decoding: text, as: UTF8.self)
        text = []
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].element.children.append(element)
        }
    }

    func text(_ piece: UnsafeRawBufferPointer) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text.append(contentsOf: piece)
    }

    /// Stops the parse at once; XML_Parse then returns an error, and `refusal` says why.
    func refuse(_ why: String) {
        guard refusal == nil else { return }
        refusal = why
        XML_StopParser(parser, XML_FALSE)
    }
}
