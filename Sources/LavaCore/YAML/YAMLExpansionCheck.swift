// libyaml, as Yams bundles it: its event parser is the only way to see anchors and aliases before
// Yams composes (and, for `load`, copies) what they stand for.
import CYaml

/// Walks a document's parser events once, without building it, and stops at the first limit it
/// crosses. Each anchor's expanded size is remembered when its node ends, so an alias costs one
/// lookup however much it stands for.
enum YAMLExpansionCheck {
    /// What a node stands for once every alias in it is expanded.
    private struct Size {
        var nodes = 1
        var bytes = 0
        /// Collections from this node down: 0 for a scalar, 1 for a list of scalars.
        var height = 0
    }

    /// An open collection.
    private struct Frame {
        var anchor: String?
        var size = Size()
        var childHeight = 0
    }

    /// Throws when `yaml` is over `limits`; a document libyaml cannot parse passes, so that Yams
    /// reports the syntax error with its usual message.
    static func check(_ yaml: String, limits: YAMLLimits) throws(YAMLLimitError) {
        let length = yaml.utf8.count
        guard length <= limits.maxBytes else {
            throw YAMLLimitError("the YAML document is \(length) bytes: the limit is \(limits.maxBytes) bytes")
        }
        var text = yaml
        let outcome: Result<Void, YAMLLimitError> = text.withUTF8 { buffer in
            Result { () throws(YAMLLimitError) in try walk(buffer, limits: limits) }
        }
        try outcome.get()
    }

    private static func walk(_ buffer: UnsafeBufferPointer<UInt8>, limits: YAMLLimits) throws(YAMLLimitError) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else { return }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)

        var anchors: [String: Size] = [:]
        var open: [Frame] = []
        var aliasNodes = 0
        var aliasBytes = 0
        while yaml_parser_parse(parser, event) == 1 {
            defer { yaml_event_delete(event) }
            let line = Int(event.pointee.start_mark.line) + 1
            let done: (anchor: String?, size: Size)
            switch event.pointee.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_SCALAR_EVENT:
                let scalar = event.pointee.data.scalar
                done = (name(scalar.anchor), Size(bytes: scalar.length))
            case YAML_ALIAS_EVENT:
                // An undefined alias stands for nothing here; Yams refuses it afterwards.
                let size = name(event.pointee.data.alias.anchor).flatMap { anchors[$0] } ?? Size()
                aliasNodes += size.nodes
                aliasBytes += size.bytes
                guard aliasNodes <= limits.maxAliasNodes else {
                    throw YAMLLimitError("the YAML document's aliases expand to more than \(limits.maxAliasNodes) nodes "
                        + "(line \(line)): that is the limit; write the content out instead of repeating aliases")
                }
                guard aliasBytes <= limits.maxAliasBytes else {
                    throw YAMLLimitError("the YAML document's aliases expand to more than \(limits.maxAliasBytes) bytes "
                        + "of text (line \(line)): that is the limit; write the content out instead of repeating aliases")
                }
                try checkDepth(open.count + size.height, limits: limits, line: line)
                done = (nil, size)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                try checkDepth(open.count + 1, limits: limits, line: line)
                let anchor = event.pointee.type == YAML_SEQUENCE_START_EVENT
                    ? event.pointee.data.sequence_start.anchor : event.pointee.data.mapping_start.anchor
                open.append(Frame(anchor: name(anchor)))
                continue
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard var frame = open.popLast() else { continue }
                frame.size.height = frame.childHeight + 1
                done = (frame.anchor, frame.size)
            default:
                continue
            }
            if let anchor = done.anchor {
                anchors[anchor] = done.size
            }
            if let parent = open.indices.last {
                open[parent].size.nodes += done.size.nodes
                open[parent].size.bytes += done.size.bytes
                open[parent].childHeight = max(open[parent].childHeight, done.size.height)
            }
        }
    }

    private static func checkDepth(_ depth: Int, limits: YAMLLimits, line: Int) throws(YAMLLimitError) {
        guard depth <= limits.maxDepth else {
            throw YAMLLimitError("the YAML document nests collections more than \(limits.maxDepth) deep (line \(line)): "
                + "that is the limit")
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: $0) }
    }
}
