import Foundation
import LavaTestSupport

/// The reference implementation: Debian's `/usr/bin/python3` `xmlrpc.client`, on libexpat, as
/// lavacli and LAVA use it.
enum PythonXMLRPC {
    static func run(_ source: String, input: [UInt8] = []) async throws -> String {
        try await Python.run("import sys, json, base64, xmlrpc.client\ndata = open(sys.argv[1], 'rb').read()\n" + source, input: input)
    }

    /// `xmlrpc.client.dumps(params, method, allow_none=True)` for each `(method, params)`
    /// written as Python literals: the exact bytes lavacli posts.
    static func calls(_ calls: [(method: String, params: String)]) async throws -> [[UInt8]] {
        let literal = "[" + calls.map { "(\"\($0.method)\", \($0.params))" }.joined(separator: ", ") + "]"
        let source = """
            from datetime import datetime
            for method, params in \(literal):
                print(base64.b64encode(xmlrpc.client.dumps(params, method, allow_none=True).encode('utf-8')).decode())
            """
        return try await run(source).split(separator: "\n").map { line in
            guard let data = Data(base64Encoded: String(line)) else { throw TestFailure("not base64: \(line)") }
            return [UInt8](data)
        }
    }

    /// `xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True)` for each value
    /// written as a Python literal, or `dumps(Fault(…))` for `Fault(code, 'string')`: what LAVA sends.
    static func responses(_ values: [String]) async throws -> [[UInt8]] {
        let source = """
            from datetime import datetime
            from xmlrpc.client import Binary, Fault
            for value in [\(values.joined(separator: ", "))]:
                body = xmlrpc.client.dumps(value, allow_none=True) if isinstance(value, Fault) else xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True)
                print(base64.b64encode(body.encode('utf-8')).decode())
            """
        return try await run(source).split(separator: "\n").map { line in
            guard let data = Data(base64Encoded: String(line)) else { throw TestFailure("not base64: \(line)") }
            return [UInt8](data)
        }
    }

    /// What Python reads from a response body, as JSON: the value (Binary as `{"base64": …}`,
    /// DateTime as `{"dateTime": …}`), or `{"fault": code, "string": …}`.
    static func loads(_ body: [UInt8]) async throws -> String {
        let source = """
            def plain(v):
                if isinstance(v, xmlrpc.client.Binary): return {'base64': base64.b64encode(v.data).decode()}
                if isinstance(v, xmlrpc.client.DateTime): return {'dateTime': v.value}
                if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
                if isinstance(v, (list, tuple)): return [plain(x) for x in v]
                return v
            try:
                params, _ = xmlrpc.client.loads(data)
                print(json.dumps(plain(params[0]), sort_keys=True, ensure_ascii=True))
            except xmlrpc.client.Fault as fault:
                print(json.dumps({'fault': fault.faultCode, 'string': fault.faultString}, sort_keys=True, ensure_ascii=True))
            """
        return try await run(source, input: body).trimmingCharacters(in: .newlines)
    }
}
