import XMLRPC

/// XML-RPC calls as `/RPC2` reads them: any bytes give a call or a fault, never a crash, within
/// the limits; a call read back from what it writes is the same call.
enum XMLRPCHarness {
    static let harness = Harness(name: "xmlrpc") { input in
        let call: XMLRPCCall
        do throws(XMLRPCFault) {
            call = try XMLRPCCall(parsing: input, limits: XMLRPCLimits(depth: 32, elements: 2_000))
        } catch {
            expect(error.code == -32600, "a refused body gives \(error)")
            return
        }
        let written = call.encoded()
        do {
            let again = try XMLRPCCall(parsing: written)
            expect(again == call, "\(call) was written as \(String(decoding: written, as: UTF8.self)), which reads back as \(again)")
        } catch {
            expect(false, "\(call) was written as \(String(decoding: written, as: UTF8.self)), which is refused: \(error)")
        }
    }
}
