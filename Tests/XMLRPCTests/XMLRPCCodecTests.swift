import Foundation
import Testing
@testable import XMLRPC

/// The codec against the reference client: calls made byte for byte by Python's xmlrpc.client
/// (what lavacli posts), answers read back by it (what lavacli reads), and bodies no client
/// should send.
@Suite struct XMLRPCCodecTests {
    /// docs/notes/xmlrpc.md §4: lavacli's own calls, captured.
    @Test("the calls lavacli makes, as Python's xmlrpc.client writes them, byte for byte")
    func capturedCalls() throws {
        let version = Array("<?xml version='1.0'?>\n<methodCall>\n<methodName>system.version</methodName>\n<params>\n</params>\n</methodCall>\n".utf8)
        #expect(try XMLRPCCall(parsing: version) == XMLRPCCall(method: "system.version", params: []))
        let logs = Array("<?xml version='1.0'?>\n<methodCall>\n<methodName>scheduler.jobs.logs</methodName>\n<params>\n<param>\n<value><string>12</string></value>\n</param>\n<param>\n<value><int>0</int></value>\n</param>\n<param>\n<value><nil/></value></param>\n</params>\n</methodCall>\n".utf8)
        #expect(try XMLRPCCall(parsing: logs) == XMLRPCCall(method: "scheduler.jobs.logs", params: [.string("12"), .int(0), .nil]))
        let list = Array("<?xml version='1.0'?>\n<methodCall>\n<methodName>scheduler.jobs.list</methodName>\n<params>\n<param>\n<value><nil/></value></param>\n<param>\n<value><nil/></value></param>\n<param>\n<value><int>0</int></value>\n</param>\n<param>\n<value><int>25</int></value>\n</param>\n<param>\n<value><int>0</int></value>\n</param>\n<param>\n<value><boolean>0</boolean></value>\n</param>\n</params>\n</methodCall>\n".utf8)
        #expect(try XMLRPCCall(parsing: list) == XMLRPCCall(method: "scheduler.jobs.list", params: [.nil, .nil, .int(0), .int(25), .int(0), .bool(false)]))
        let submit = Array("<?xml version='1.0'?>\n<methodCall>\n<methodName>scheduler.jobs.submit</methodName>\n<params>\n<param>\n<value><string>job yaml with &lt;&amp;&gt; and unicode \u{E9}</string></value>\n</param>\n</params>\n</methodCall>\n".utf8)
        #expect(try XMLRPCCall(parsing: submit) == XMLRPCCall(method: "scheduler.jobs.submit", params: [.string("job yaml with <&> and unicode \u{E9}")]))
    }

    @Test("every type Python writes is read as Python meant it")
    func pythonCalls() async throws {
        let bodies = try await PythonXMLRPC.calls([
            ("scheduler.workers.update", "('w1', 'lab 1', 'MAINTENANCE', None)"),
            ("scheduler.devices.update", "('qemu-01', None, None, None, None, 'GOOD', None)"),
            ("scheduler.jobs.list", "('FINISHED', 'COMPLETE', 2, 5, 60, True)"),
            ("a.b", "('line\\r\\nnext\\rlast', '\\U0001F600 \\u00e9 \\t<&>\"\\'', -7, 2**31 - 1, 1.5)"),
            ("a.c", "({'k': [1, {'n': None}], 'b': xmlrpc.client.Binary(bytes(range(256)))}, datetime(2023, 1, 15, 10, 11, 12, 999999))"),
            ("a.d", "([], {}, '', xmlrpc.client.Binary(b''))"),
        ])
        let calls = try bodies.map { try XMLRPCCall(parsing: $0) }
        #expect(calls[0] == XMLRPCCall(method: "scheduler.workers.update", params: [.string("w1"), .string("lab 1"), .string("MAINTENANCE"), .nil]))
        #expect(calls[1].params == [.string("qemu-01"), .nil, .nil, .nil, .nil, .string("GOOD"), .nil])
        #expect(calls[2].params == [.string("FINISHED"), .string("COMPLETE"), .int(2), .int(5), .int(60), .bool(true)])
        // Python writes CR raw; XML reads every line end as LF.
        #expect(calls[3].params == [.string("line\nnext\nlast"), .string("\u{1F600} \u{E9} \t<&>\"'"), .int(-7), .int(2_147_483_647), .double(1.5)])
        let when = try #require(XMLRPCDateTime.parse("20230115T10:11:12"))
        #expect(calls[4].params == [.structure(["k": .array([.int(1), .structure(["n": .nil])]), "b": .base64(Array(0...255))]), .dateTime(when)])
        #expect(calls[5].params == [.array([]), .structure([:]), .string(""), .base64([])])
    }

    @Test("Python reads every answer back as sent: escapes, CR, controls, astral characters, nested values, base64, dates")
    func answersReadByPython() async throws {
        let when = Date(timeIntervalSince1970: 1_673_777_472.999) // 2023-01-15 10:11:12.999 UTC
        let value = XMLRPCValue.structure([
            "text": .string("a <b> & c\r\nd\u{1B}[31m red \u{FFFE} \u{E9} \u{1F600}"),
            "numbers": .array([.int(0), .int(-2_147_483_648), .double(2.5), .bool(true), .bool(false)]),
            "none": .nil,
            "when": .dateTime(when),
            "log": .base64(Array("- {\"dt\": \"2023-01-15T10:11:12\", \"lvl\": \"info\", \"msg\": \"x\"}\n".utf8) + Array(repeating: 0x41, count: 200)),
            "empty": .base64([]),
            "nested": .structure(["a&b": .array([])]),
        ])
        let read = try await PythonXMLRPC.loads(XMLRPCResponse.value(value).encoded())
        let log = Data(Array("- {\"dt\": \"2023-01-15T10:11:12\", \"lvl\": \"info\", \"msg\": \"x\"}\n".utf8) + Array(repeating: 0x41, count: 200)).base64EncodedString()
        #expect(read == """
            {"empty": {"base64": ""}, "log": {"base64": "\(log)"}, "nested": {"a&b": []}, "none": null, "numbers": [0, -2147483648, 2.5, true, false], \
            "text": "a <b> & c\\r\\nd\\ufffd[31m red \\ufffd \\u00e9 \\ud83d\\ude00", "when": {"dateTime": "20230115T10:11:12"}}
            """)
        #expect(try await PythonXMLRPC.loads(XMLRPCResponse.value(.nil).encoded()) == "null")
        let fault = XMLRPCResponse.fault(XMLRPCFault(404, "Job '12' was not found."))
        #expect(try await PythonXMLRPC.loads(fault.encoded()) == #"{"fault": 404, "string": "Job '12' was not found."}"#)
    }

    @Test("calls and answers are written byte for byte as Python writes them, so a diff against LAVA's reads line by line")
    func pythonLayout() async throws {
        let when = try #require(XMLRPCDateTime.parse("20230115T10:11:12"))
        let calls: [(String, String, [XMLRPCValue])] = [
            ("system.version", "()", []),
            ("scheduler.jobs.logs", "('12', 0, None)", [.string("12"), .int(0), .nil]),
            ("scheduler.jobs.list", "(None, None, 0, 25, 0, False)", [.nil, .nil, .int(0), .int(25), .int(0), .bool(false)]),
            ("scheduler.jobs.submit", "('job yaml with <&> and unicode \\u00e9',)", [.string("job yaml with <&> and unicode \u{E9}")]),
            ("a.b", "({'a': [1, None, 2.5], 'b': {}}, datetime(2023, 1, 15, 10, 11, 12), xmlrpc.client.Binary(bytes(range(200))))",
             [.structure(["a": .array([.int(1), .nil, .double(2.5)]), "b": .structure([:])]), .dateTime(when), .base64(Array(0..<200))]),
        ]
        let bodies = try await PythonXMLRPC.calls(calls.map { ($0.0, $0.1) })
        for (body, call) in zip(bodies, calls) {
            let ours = XMLRPCCall(method: call.0, params: call.2).encoded()
            #expect(ours == body, "\(call.0): ours\n\(String(decoding: ours, as: UTF8.self))\nPython's\n\(String(decoding: body, as: UTF8.self))")
        }
        let responses: [(String, XMLRPCResponse)] = [
            ("{'device': None, 'id': 12, 'submit_time': datetime(2023, 1, 15, 10, 11, 12), 'tags': []}",
             .value(.structure(["id": .int(12), "device": .nil, "submit_time": .dateTime(when), "tags": .array([])]))),
            ("[True, Binary(b'- {\"dt\": \"2023-01-15T10:11:12.345678+00:00\", \"lvl\": \"info\", \"msg\": \"hello\"}\\n')]",
             .value(.array([.bool(true), .base64(Array("- {\"dt\": \"2023-01-15T10:11:12.345678+00:00\", \"lvl\": \"info\", \"msg\": \"hello\"}\n".utf8))]))),
            ("None", .value(.nil)),
            ("[False, Binary(b'')]", .value(.array([.bool(false), .base64([])]))),
            ("Fault(404, \"Job '12' was not found.\")", .fault(XMLRPCFault(404, "Job '12' was not found."))),
        ]
        let answers = try await PythonXMLRPC.responses(responses.map(\.0))
        for (body, response) in zip(answers, responses) {
            let ours = response.1.encoded()
            #expect(ours == body, "\(response.0): ours\n\(String(decoding: ours, as: UTF8.self))\nPython's\n\(String(decoding: body, as: UTF8.self))")
        }
    }

    static let hostile: [(String, String)] = [
        ("internal entity", "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY a 'EXPANDED'>]><methodCall><methodName>x&a;</methodName></methodCall>"),
        ("external entity", "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY e SYSTEM 'file:///etc/hostname'>]><methodCall><methodName>&e;</methodName></methodCall>"),
        ("external DTD", "<!DOCTYPE methodCall SYSTEM 'file:///etc/passwd'><methodCall><methodName>x</methodName></methodCall>"),
        ("billion laughs", "<!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]><methodCall><methodName>&c;</methodName></methodCall>"),
        ("parameter entity", "<!DOCTYPE m [<!ENTITY % p SYSTEM 'http://127.0.0.1:9/x'> %p;]><methodCall/>"),
        ("undeclared entity", "<methodCall><methodName>&nope;</methodName></methodCall>"),
        ("empty body", ""),
        ("not XML", "hello"),
        ("truncated", "<methodCall><methodName>system.version</methodName>"),
        ("junk after the root", "<methodCall><methodName>a</methodName></methodCall><x/>"),
        ("control character", "<methodCall><methodName>a\u{01}</methodName></methodCall>"),
        ("control character reference", "<methodCall><methodName>a&#1;</methodName></methodCall>"),
        ("no method name", "<methodCall><params/></methodCall>"),
        ("a response posted as a call", "<methodResponse><params/></methodResponse>"),
        ("unknown type", "<methodCall><methodName>a</methodName><params><param><value><foo>1</foo></value></param></params></methodCall>"),
        ("bad int", "<methodCall><methodName>a</methodName><params><param><value><int>x</int></value></param></params></methodCall>"),
        ("int beyond 64 bits", "<methodCall><methodName>a</methodName><params><param><value><int>123456789012345678901</int></value></param></params></methodCall>"),
        ("bad boolean", "<methodCall><methodName>a</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>"),
        ("bad double", "<methodCall><methodName>a</methodName><params><param><value><double>nan</double></value></param></params></methodCall>"),
        ("bad base64", "<methodCall><methodName>a</methodName><params><param><value><base64>!!!</base64></value></param></params></methodCall>"),
        ("bad date", "<methodCall><methodName>a</methodName><params><param><value><dateTime.iso8601>yesterday</dateTime.iso8601></value></param></params></methodCall>"),
        ("param without value", "<methodCall><methodName>a</methodName><params><param/></params></methodCall>"),
        ("two types in a value", "<methodCall><methodName>a</methodName><params><param><value><int>1</int><int>2</int></value></param></params></methodCall>"),
        ("array without data", "<methodCall><methodName>a</methodName><params><param><value><array/></value></param></params></methodCall>"),
        ("member without name", "<methodCall><methodName>a</methodName><params><param><value><struct><member><value/></member></struct></value></param></params></methodCall>"),
        ("deep nesting", "<methodCall><methodName>a</methodName><params><param>" + String(repeating: "<value><array><data>", count: 2000) + "</param></params></methodCall>"),
        ("too many elements", "<methodCall><methodName>a</methodName><params>" + String(repeating: "<param><value><int>1</int></value></param>", count: 4000) + "</params></methodCall>"),
    ]

    @Test("hostile or broken bodies are faults that say why, and nothing is read from outside", arguments: hostile)
    func refused(_ name: String, _ body: String) {
        #expect(throws: XMLRPCFault.self, "\(name)") { try XMLRPCCall(parsing: Array(body.utf8)) }
        do {
            _ = try XMLRPCCall(parsing: Array(body.utf8))
        } catch {
            #expect(error.code == -32600, "\(name): \(error)")
            #expect(error.message.hasPrefix("Unable to decode request: "), "\(name): \(error)")
            #expect(!error.message.contains("EXPANDED"), "\(name): \(error)")
        }
    }

    @Test("bytes that are not UTF-8 are refused whatever the declaration says; the limits are the caller's to set")
    func encodingsAndLimits() throws {
        let latin1 = Array("<?xml version='1.0' encoding='iso-8859-1'?><methodCall><methodName>a</methodName><params><param><value>".utf8) + [0xE9] + Array("</value></param></params></methodCall>".utf8)
        #expect(throws: XMLRPCFault.self) { try XMLRPCCall(parsing: latin1) }
        // libexpat would read UTF-16 whatever it is told; the NUL bytes give it away.
        let call = "<methodCall><methodName>a</methodName></methodCall>"
        #expect(try XMLRPCCall(parsing: Array(call.utf8)).method == "a")
        let little: [UInt8] = call.utf16.flatMap { (unit: UInt16) -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let big: [UInt8] = call.utf16.flatMap { (unit: UInt16) -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        for utf16 in [[0xFF, 0xFE] + little, big] {
            #expect(throws: XMLRPCFault.unreadable("the body is not UTF-8 (it holds NUL bytes)")) { try XMLRPCCall(parsing: utf16) }
        }
        let deep = "<methodCall><methodName>a</methodName><params><param><value><array><data><value><array><data></data></array></value></data></array></value></param></params></methodCall>"
        #expect(try XMLRPCCall(parsing: Array(deep.utf8)).params == [.array([.array([])])])
        #expect(throws: XMLRPCFault.self) { try XMLRPCCall(parsing: Array(deep.utf8), limits: XMLRPCLimits(depth: 6, elements: 100)) }
        // As Python reads them: an untyped value is a string, spaces kept; whitespace around a number is not.
        let loose = "<methodCall><methodName> a.b </methodName><params><param><value>  12 </value></param><param><value><i4> 7 </i4></value></param><param><value><ex:nil/></value></param><param><value></value></param></params></methodCall>"
        #expect(try XMLRPCCall(parsing: Array(loose.utf8)) == XMLRPCCall(method: "a.b", params: [.string("  12 "), .int(7), .nil, .string("")]))
    }

    @Test("dates: Python's layout both ways, the fraction cut, dashes accepted, nonsense refused")
    func dates() throws {
        let date = try #require(XMLRPCDateTime.parse("20230115T10:11:12"))
        #expect(date.timeIntervalSince1970 == 1_673_777_472)
        #expect(XMLRPCDateTime.format(date.addingTimeInterval(0.999)) == "20230115T10:11:12")
        #expect(XMLRPCDateTime.parse("2023-01-15T10:11:12Z") == date)
        for bad in ["20231315T10:11:12", "2023011510:11:12x", "", "20230115T25:00:00", "２０２３0115T10:11:12"] {
            #expect(XMLRPCDateTime.parse(bad) == nil, "\(bad)")
        }
    }
}
